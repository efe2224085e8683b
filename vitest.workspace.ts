/**
 * The vitest projects that `pnpm test` runs: one per package, and the examples.
 *
 * Vitest 3.2 deprecates loading this file as a workspace, so the root
 * `vitest.config.ts` imports the list and passes it as `test.projects`.
 * Paths are absolute so that vitest started from a subfolder (e.g. `examples/`) finds them too.
 */
const at = (path: string) => new URL(path, import.meta.url).pathname

export default [
  at("packages/core"),
  at("packages/testing"),
  at("examples"),
  at("packages/cli"),
  at("packages/sync"),
  at("packages/redis")
]
