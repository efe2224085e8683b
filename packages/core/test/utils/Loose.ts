/**
 * Values a JavaScript caller can pass where the types say otherwise: the
 * library must answer them with typed errors, so tests hand them over as-is.
 */

/** `value`, typed as whatever the call site expects. */
export const loose = <T>(value: unknown): T => value as T
