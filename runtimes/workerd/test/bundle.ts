/**
 * Bundles `src/worker.ts` the way a Worker is bundled (esbuild, ES module,
 * the `workerd`/`worker`/`browser` conditions, no Node platform), with
 * `@effect-workos/core` taken from its built package (`packages/core/dist`,
 * the directory `pnpm pack` publishes), never from the workspace sources.
 * Then checks what went in: the built ESM, one copy of `effect`, and not a
 * single `node:` module or other external import.
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const here = Path.dirname(fileURLToPath(import.meta.url))
const entry = Path.resolve(here, "../src/worker.ts")
const coreDist = Path.resolve(here, "../../../packages/core/dist")
const coreSpecifier = /^@effect-workos\/core(\/.*)?$/

/** The Worker cannot be bundled, or its bundle has what a Worker must not. */
export class BundleError extends Data.TaggedError("BundleError")<{ readonly message: string }> {}

/** The bundled Worker and what it was made of. */
export interface Bundle {
  readonly code: string
  /** Every file that went in, relative to the repository root or absolute when outside it. */
  readonly inputs: ReadonlyArray<string>
}

// A consumer directory whose node_modules holds the built core, as an install would.
const consumer = Effect.acquireRelease(
  Effect.suspend(() =>
    Fs.existsSync(Path.join(coreDist, "package.json"))
      ? Effect.void
      : Effect.fail(new BundleError({ message: `${coreDist} is missing: run \`pnpm build\` first` }))
  ).pipe(Effect.map(() => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-workos-workerd-"))
    Fs.mkdirSync(Path.join(dir, "node_modules", "@effect-workos"), { recursive: true })
    Fs.symlinkSync(coreDist, Path.join(dir, "node_modules", "@effect-workos", "core"), "dir")
    return dir
  })),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const builtCore = (consumerDir: string): esbuild.Plugin => ({
  name: "built-core",
  setup(build) {
    build.onResolve(
      { filter: coreSpecifier },
      (args) =>
        args.pluginData === "built-core" ? undefined : build.resolve(args.path, {
          kind: args.kind,
          resolveDir: consumerDir,
          pluginData: "built-core"
        })
    )
  }
})

const problems = (metafile: esbuild.Metafile): ReadonlyArray<string> => {
  const inputs = Object.entries(metafile.inputs)
  const out: Array<string> = []
  for (const [file, input] of inputs) {
    for (const imported of input.imports) {
      if (imported.external || imported.path.startsWith("node:")) out.push(`${file} imports ${imported.path}`)
    }
    if (file.startsWith("node:")) out.push(`${file} is a Node module`)
  }
  const core = inputs.map(([file]) => file).filter((file) => file.includes("packages/core/"))
  if (!core.some((file) => file.includes("packages/core/dist/dist/esm/Webhooks.js"))) {
    out.push("the built core's dist/esm/Webhooks.js is not in the bundle")
  }
  for (const file of core) {
    if (!file.includes("packages/core/dist/dist/esm/")) out.push(`${file} is not the built core's ESM`)
  }
  const effects = new Set(inputs.flatMap(([file]) => /^(.*\/node_modules\/effect)\/dist\/esm\//.exec(file)?.[1] ?? []))
  if (effects.size !== 1) out.push(`${effects.size} copies of effect: ${[...effects].join(", ")}`)
  return out
}

/**
 * The Worker as one ES module, or a `BundleError` listing what is wrong with it.
 */
export const bundle: Effect.Effect<Bundle, BundleError> = Effect.scoped(Effect.gen(function*() {
  const consumerDir = yield* consumer
  const result = yield* Effect.tryPromise({
    try: () =>
      esbuild.build({
        entryPoints: [entry],
        absWorkingDir: Path.resolve(here, "../../.."),
        bundle: true,
        write: false,
        metafile: true,
        format: "esm",
        platform: "neutral",
        mainFields: ["browser", "module", "main"],
        conditions: ["workerd", "worker", "browser"],
        target: "es2022",
        logLevel: "silent",
        plugins: [builtCore(consumerDir)]
      }),
    catch: (error) => new BundleError({ message: `esbuild: ${String(error)}` })
  })
  const found = problems(result.metafile)
  if (found.length > 0) return yield* new BundleError({ message: `The Worker bundle is wrong:\n${found.join("\n")}` })
  const code = result.outputFiles[0]?.text ?? ""
  return { code, inputs: Object.keys(result.metafile.inputs) }
}))
