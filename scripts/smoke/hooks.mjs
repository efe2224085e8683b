// Module resolution hooks (registered by register.mjs): log every resolution, one JSON line each, to the file
// named by SMOKE_RESOLVE_LOG, so the smoke test can tell which modules a program pulled in.
import * as Fs from "node:fs"

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context)
  Fs.appendFileSync(
    process.env.SMOKE_RESOLVE_LOG,
    JSON.stringify({ specifier, parent: context.parentURL ?? null, url: result.url }) + "\n"
  )
  return result
}
