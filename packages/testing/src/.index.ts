/**
 * In-memory WorkOS for tests: FakeWorkOS state and routes, an in-memory
 * HttpClient, a ready DirectorySync layer, data generators, fault injection
 * and webhook signing. The localhost server lives at
 * `@effect-workos/testing/Server`.
 *
 * @since 0.1.0
 */
