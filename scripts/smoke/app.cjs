// Runs as CommonJS in the consumer project: every public entry point requires, and effect resolves to one copy.
const assert = require("node:assert/strict")
const path = require("node:path")

const core = require("@effect-workos/core")
const coreDirectorySync = require("@effect-workos/core/DirectorySync")
const testing = require("@effect-workos/testing")
const testingServer = require("@effect-workos/testing/Server")
const sync = require("@effect-workos/sync")
const syncSqlite = require("@effect-workos/sync/Sqlite")

for (const name of ["DirectorySync", "WorkOSClient", "WorkOSError", "Pagination", "Retry", "RateLimit"]) {
  assert.equal(typeof core[name], "object", `@effect-workos/core exports ${name}`)
}
assert.equal(core.DirectorySync.DirectorySync.key, "@effect-workos/core/DirectorySync")
assert.equal(coreDirectorySync.layer, core.DirectorySync.layer, "subpath and entry are one module")
for (const name of ["DirectorySyncTest", "FakeWorkOS", "Faults", "Generators", "WebhookSigner"]) {
  assert.equal(typeof testing[name], "object", `@effect-workos/testing exports ${name}`)
}
assert.equal(typeof testingServer.layer, "function", "@effect-workos/testing/Server exports layer")
for (const name of ["DirectoryMirror", "MirrorChange", "MirrorStore", "SqlMirrorStore"]) {
  assert.equal(typeof sync[name], "object", `@effect-workos/sync exports ${name}`)
}
assert.equal(typeof syncSqlite.layer, "function", "@effect-workos/sync/Sqlite exports layer")

// From the app and from each package, `effect` must resolve to the same file.
const fromApp = require.resolve("effect")
for (const pkg of ["@effect-workos/core", "@effect-workos/testing", "@effect-workos/sync"]) {
  const fromPkg = require.resolve("effect", { paths: [path.dirname(require.resolve(pkg))] })
  assert.equal(fromPkg, fromApp, `${pkg} resolves effect to ${fromPkg}, the app to ${fromApp}`)
}
const effectDirs = new Set(
  Object.keys(require.cache)
    .map((file) => /^(.*[\\/]node_modules[\\/]effect)[\\/]/.exec(file)?.[1])
    .filter((dir) => dir !== undefined)
)
assert.equal(effectDirs.size, 1, `effect loaded from ${[...effectDirs].join(", ")}`)
console.log(
  `CJS: required core (${Object.keys(core).length} modules), testing and sync; effect loaded once from ${
    [...effectDirs][0]
  }`
)
