/**
 * In-memory WorkOS for tests.
 *
 * @since 0.1.0
 */
export {}
