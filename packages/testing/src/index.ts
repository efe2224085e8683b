/**
 * In-memory WorkOS for tests: FakeWorkOS state and routes, an in-memory
 * HttpClient, a ready DirectorySync layer, data generators, fault injection
 * and webhook signing. The localhost server lives at
 * `@effect-workos/testing/Server`.
 *
 * @since 0.1.0
 */

/**
 * The ready application-test layer: the real `DirectorySync` over the fake.
 *
 * @since 0.1.0
 */
export * as DirectorySyncTest from "./DirectorySyncTest.js"

/**
 * The in-memory WorkOS: state, changes, recorded events, routes and the in-memory `HttpClient`.
 *
 * @since 0.1.0
 */
export * as FakeWorkOS from "./FakeWorkOS.js"

/**
 * Fault injection, enforced rate limits and served-request counters.
 *
 * @since 0.1.0
 */
export * as Faults from "./Faults.js"

/**
 * Deterministic, realistic directory data.
 *
 * @since 0.1.0
 */
export * as Generators from "./Generators.js"

/**
 * Signed webhook deliveries.
 *
 * @since 0.1.0
 */
export * as WebhookSigner from "./WebhookSigner.js"
