/**
 * The vitest projects that `pnpm test` runs: one per package.
 *
 * Vitest 3.2 deprecates loading this file as a workspace, so the root
 * `vitest.config.ts` imports the list and passes it as `test.projects`.
 */
export default ["packages/core", "packages/testing", "packages/sync"]
