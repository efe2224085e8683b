// Run after `changeset version`: the core sends its version in the User-Agent, so the constant in
// packages/core/src/internal/version.ts follows packages/core/package.json.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const core = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..", "packages", "core")
const { version } = JSON.parse(Fs.readFileSync(Path.join(core, "package.json"), "utf8"))
const file = Path.join(core, "src", "internal", "version.ts")
const source = Fs.readFileSync(file, "utf8")
const pattern = /export const version = "[^"]*"/
if (!pattern.test(source)) throw new Error(`${file} has no \`export const version = "..."\``)
Fs.writeFileSync(file, source.replace(pattern, `export const version = ${JSON.stringify(version)}`))
