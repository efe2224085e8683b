/**
 * In-memory WorkOS for tests: FakeWorkOS state and routes, an in-memory
 * HttpClient, a ready DirectorySync layer, data generators, fault injection
 * and webhook signing. The localhost server lives at
 * `@effect-workos/testing/Server`.
 *
 * @since 0.1.0
 */

/**
 * The ready application-test layer: the real core `DirectorySync` client over
 * the in-memory fake, with the fake itself in the output so a test can seed,
 * change and inspect it.
 *
 * @since 0.1.0
 */
export * as DirectorySyncTest from "./DirectorySyncTest.js"

/**
 * An in-memory WorkOS: directories, users, groups, memberships and the
 * `dsync.*` events their changes record, behind the real REST routes. Serve
 * it in memory with `layerHttpClient` (the real core client runs unchanged
 * over it) or on a port with `@effect-workos/testing/Server`.
 *
 * @since 0.1.0
 */
export * as FakeWorkOS from "./FakeWorkOS.js"

/**
 * Fault injection for the fake WorkOS: added latency, error statuses (JSON or
 * not), dropped connections and truncated bodies, per route, for the next N
 * requests or with a seeded probability; optional enforcement of WorkOS's
 * real rate limits; and counters of what was served. Applied as middleware on
 * the fake's `HttpApp`, so the in-memory client and the localhost server
 * behave alike.
 *
 * @since 0.1.0
 */
export * as Faults from "./Faults.js"

/**
 * Deterministic, realistic directory data for the fake: directories with
 * groups and users (names, emails, provider ids, custom and raw attributes,
 * roles, some inactive users, group memberships), prefixed ULID-like ids that
 * sort by creation, and `created_at` rising in creation order. The same seed
 * always gives the same data.
 *
 * @since 0.1.0
 */
export * as Generators from "./Generators.js"

/**
 * Signed webhooks as WorkOS sends them: the `WorkOS-Signature` header
 * (`t=<ms>, v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, Web Crypto), and
 * delivery of recorded events to a URL or straight to a handler.
 *
 * @since 0.1.0
 */
export * as WebhookSigner from "./WebhookSigner.js"
