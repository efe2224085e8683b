// Consumer smoke test: what a user gets from `npm install`. Run after `pnpm build`.
//
// Packs every package from their `dist` (`pnpm pack`), installs the tarballs with npm into a fresh project
// outside the workspace (effect, @effect/platform, @effect/platform-node and typescript are the user's own
// dependencies, from the registry), then checks:
//   1. the README's quick start (its first ```ts block, verbatim) type-checks, as ESM and as CommonJS;
//   2. an ES module streams users through the real client;
//   3. every entry point `require`s from CommonJS;
//   4. the core entry, and the testing package's main entry, pull in no Node built-in (`node:*`) module;
//   5. exactly one copy of `effect` is installed and loaded;
//   6. the `workos-dsync` binary runs from the installed package: `npx workos-dsync --help`, then `fake serve`
//      with `verify` and a CSV export against it, and Ctrl-C stops the server with exit code 130.
// Set SMOKE_KEEP=1 to keep the temporary project.
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import { builtinModules } from "node:module"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const fixtures = Path.join(root, "scripts", "smoke")
const packages = ["core", "testing", "cli", "sync", "redis"]
const userDependencies = [
  "effect@~3.22.4",
  "@effect/platform@~0.97.2",
  "@effect/platform-node@~0.108.2",
  "@effect/sql@~0.52.1",
  "@effect/sql-libsql@~0.42.0",
  "@libsql/client@~0.12.0",
  "typescript@~5.9.3"
]

const step = (title) => process.stdout.write(`\n== smoke: ${title}\n`)
const fail = (message) => {
  throw new Error(message)
}
const run = (command, args, options = {}) => {
  const result = ChildProcess.spawnSync(command, args, { stdio: "inherit", encoding: "utf8", ...options })
  if (result.status !== 0) {
    const printed = `${result.stdout ?? ""}${result.stderr ?? ""}`
    fail(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}\n${printed}`)
  }
  return result
}
const output = (command, args, options = {}) => ChildProcess.spawnSync(command, args, { encoding: "utf8", ...options })

// pnpm as this script was started with (`pnpm smoke` sets npm_execpath), else the pinned one through npx.
const pnpm = (args, options) =>
  process.env.npm_execpath?.includes("pnpm")
    ? run(process.execPath, [process.env.npm_execpath, ...args], options)
    : run("npx", ["--yes", "pnpm@10.34.9", ...args], options)

for (const pkg of packages) {
  if (!Fs.existsSync(Path.join(root, "packages", pkg, "dist", "package.json"))) {
    fail(`packages/${pkg}/dist is missing: run \`pnpm build\` first`)
  }
}

// `fake serve` in one process, `verify` and an export in others, as the README's tour does.
const tour = async (cwd) => {
  const binary = Path.join(cwd, "node_modules", ".bin", "workos-dsync")
  const server = ChildProcess.spawn(binary, ["fake", "serve", "--port", "0", "--seed", "1"], { cwd })
  let banner = ""
  server.stdout.on("data", (chunk) => (banner += chunk))
  server.stderr.on("data", (chunk) => (banner += chunk))
  const exited = new Promise((resolve) => server.on("close", (code) => resolve(code)))
  try {
    for (let waited = 0; !banner.includes("Ctrl-C"); waited += 100) {
      if (waited > 60_000 || server.exitCode !== null) fail(`fake serve did not start:\n${banner}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const env = {
      ...process.env,
      WORKOS_BASE_URL: /export WORKOS_BASE_URL=(\S+)/.exec(banner)[1],
      WORKOS_API_KEY: /export WORKOS_API_KEY=(\S+)/.exec(banner)[1]
    }
    run(binary, ["verify"], { cwd, env })
    const csv = output(binary, ["users", "list", "--directory", "directory_01HM6FR828BACWX9JFMFVHXJW0", "-f", "csv"], {
      cwd,
      env
    })
    const rows = csv.stdout.split("\r\n").filter((row) => row !== "")
    if (csv.status !== 0 || rows.length !== 51) fail(`users list exited with ${csv.status}, ${rows.length} lines`)
    console.log(`verify passed; users list wrote ${rows.length - 1} users as CSV`)
  } finally {
    server.kill("SIGINT")
  }
  const code = await exited
  if (code !== 130) fail(`fake serve exited with ${code} on SIGINT, expected 130`)
}

const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-workos-smoke-"))
if (!Path.relative(root, work).startsWith("..")) fail(`${work} is inside the workspace`)
const app = Path.join(work, "app")
const tarballs = Path.join(work, "tarballs")
Fs.mkdirSync(app)
Fs.mkdirSync(tarballs)

try {
  step("pack")
  for (const pkg of packages) {
    // quiet: the file list is checked below, through what the consumer can import
    pnpm(["pack", "--pack-destination", tarballs], { cwd: Path.join(root, "packages", pkg), stdio: "pipe" })
  }
  const packed = Fs.readdirSync(tarballs).filter((file) => file.endsWith(".tgz")).map((file) =>
    Path.join(tarballs, file)
  )
  if (packed.length !== packages.length) fail(`expected ${packages.length} tarballs, got ${packed.join(", ")}`)
  for (const tarball of packed) {
    const manifest = output("tar", ["-xzOf", tarball, "package/package.json"]).stdout
    if (manifest.includes("workspace:")) fail(`${Path.basename(tarball)} still has a workspace: range`)
    const files = output("tar", ["-tzf", tarball]).stdout.trim().split("\n").length
    console.log(`${Path.basename(tarball)}: ${files} files`)
  }

  step(`install the tarballs with ${userDependencies.join(" ")} (npm, in ${app})`)
  Fs.writeFileSync(
    Path.join(app, "package.json"),
    JSON.stringify({ name: "effect-workos-smoke-app", private: true, type: "module" }, null, 2)
  )
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...packed, ...userDependencies], { cwd: app })
  for (const file of Fs.readdirSync(fixtures)) Fs.copyFileSync(Path.join(fixtures, file), Path.join(app, file))

  step("1. the README quick start type-checks (ESM and CommonJS)")
  const readme = Fs.readFileSync(Path.join(root, "README.md"), "utf8")
  const quickStart = /^```ts\n([\s\S]*?)^```/m.exec(readme)?.[1] ?? fail("README.md has no ```ts block")
  Fs.writeFileSync(Path.join(app, "quickstart.ts"), quickStart)
  Fs.writeFileSync(Path.join(app, "quickstart-cjs.cts"), quickStart)
  Fs.writeFileSync(
    Path.join(app, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          types: [],
          // our .d.ts files are checked too (but not those of effect and the rest of node_modules)
          skipLibCheck: false,
          skipDefaultLibCheck: true
        },
        files: ["quickstart.ts", "quickstart-cjs.cts"]
      },
      null,
      2
    )
  )
  run(process.execPath, [Path.join(app, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
    cwd: app
  })

  step("2. ESM program runs")
  run(process.execPath, ["app.mjs"], { cwd: app })

  step("3. CommonJS require")
  run(process.execPath, ["app.cjs"], { cwd: app })

  step("4. no node: module behind the core entry or the testing main entry")
  const resolutions = (entry) => {
    const log = Path.join(work, `resolve-${entry.replace(/\W/g, "_")}.log`)
    Fs.writeFileSync(Path.join(app, "load.mjs"), `await import(${JSON.stringify(entry)})\n`)
    run(process.execPath, ["--import", "./register.mjs", "load.mjs"], {
      cwd: app,
      env: { ...process.env, SMOKE_RESOLVE_LOG: log }
    })
    return Fs.readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line))
  }
  const builtins = new Set(builtinModules)
  const isBuiltin = (specifier) => specifier.startsWith("node:") || builtins.has(specifier.split("/")[0])
  // Static scan too: the package's own ES module graph, import by import (also catches a dynamic `import()`).
  const importsOf = (file) =>
    [...Fs.readFileSync(file, "utf8").matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1])
  const staticGraph = (entryFile) => {
    const seen = new Set()
    const bare = []
    const visit = (file) => {
      if (seen.has(file)) return
      seen.add(file)
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith(".")) visit(Path.resolve(Path.dirname(file), specifier))
        else bare.push({ file, specifier })
      }
    }
    visit(entryFile)
    return { files: seen.size, bare }
  }
  for (const [pkg, entry] of [["core", "@effect-workos/core"], ["testing", "@effect-workos/testing"]]) {
    const loaded = resolutions(entry)
    const nodeModules = loaded.filter((r) => r.url.startsWith("node:"))
    if (nodeModules.length > 0) {
      fail(`${entry} pulls in Node modules:\n${nodeModules.map((r) => `  ${r.specifier} from ${r.parent}`).join("\n")}`)
    }
    const esmEntry = Path.join(app, "node_modules", "@effect-workos", pkg, "dist", "esm", "index.js")
    const graph = staticGraph(esmEntry)
    const builtinImports = graph.bare.filter((i) => isBuiltin(i.specifier))
    if (builtinImports.length > 0) {
      fail(`${entry}'s ESM build imports ${builtinImports.map((i) => `${i.specifier} (${i.file})`).join(", ")}`)
    }
    console.log(
      `${entry}: ${loaded.length} module resolutions at run time and ${graph.files} files of its own ESM graph, none of them node:`
    )
  }

  step("5. exactly one copy of effect")
  const ls = JSON.parse(output("npm", ["ls", "effect", "--all", "--json"], { cwd: app }).stdout)
  const versions = new Set()
  const collect = (deps = {}) => {
    for (const [name, info] of Object.entries(deps)) {
      if (name === "effect") versions.add(info.version)
      collect(info.dependencies)
    }
  }
  collect(ls.dependencies)
  if (versions.size !== 1) fail(`npm ls effect shows ${versions.size} versions: ${[...versions].join(", ")}`)
  const effectDirs = (entries) =>
    new Set(entries.map((r) => /^file:\/\/(.*\/node_modules\/effect)\//.exec(r.url)?.[1]).filter(Boolean))
  const appRun = resolutions("./app.mjs")
  const dirs = effectDirs(appRun)
  if (dirs.size !== 1) fail(`the ESM program loaded effect from ${dirs.size} places: ${[...dirs].join(", ")}`)
  const effectParents = new Set(
    appRun.filter((r) => r.url.includes("/node_modules/effect/") && r.parent !== null).map((r) =>
      /\/node_modules\/(@effect-workos\/[^/]+|@effect\/[^/]+|effect)\//.exec(r.parent)?.[1] ?? "app"
    )
  )
  console.log(
    `npm ls: effect@${[...versions][0]} only; at run time effect came from ${[...dirs][0]} for ${
      [...effectParents].sort().join(", ")
    } (app.cjs checked the CommonJS side)`
  )
  step("6. npx workos-dsync (the cli package's binary)")
  const help = output("npx", ["--no-install", "workos-dsync", "--help"], { cwd: app })
  if (help.status !== 0 || !help.stdout.includes("fake serve")) {
    fail(`npx workos-dsync --help exited with ${help.status}\n${help.stdout}${help.stderr}`)
  }
  await tour(app)
  step("all checks passed")
} finally {
  if (process.env.SMOKE_KEEP) console.log(`kept ${work}`)
  else Fs.rmSync(work, { recursive: true, force: true })
}
