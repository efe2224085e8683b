/** @internal */
export const version = "0.0.0"

/** @internal */
export const userAgent = `effect-workos/${version}`
