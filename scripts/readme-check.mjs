// Type-checks every ```ts block of README.md against the workspace packages, so the README cannot drift
// from the code. Blocks of one `##` section are one module (later blocks use what earlier ones declare).
// The files go to examples/readme-snippets/ (gitignored) and are checked with examples/tsconfig.readme.json.
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const out = Path.join(root, "examples", "readme-snippets")
const readme = Fs.readFileSync(Path.join(root, "README.md"), "utf8")

const sections = new Map()
let section = "top"
let block
for (const line of readme.split("\n")) {
  if (block === undefined && line.startsWith("## ")) section = line.slice(3).trim()
  else if (block === undefined && line.trim() === "```ts") block = []
  else if (block !== undefined && line.trim() === "```") {
    // Indented blocks (inside list items) are dedented to their fence's indentation.
    const indent = Math.min(...block.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length))
    sections.set(section, [...(sections.get(section) ?? []), block.map((l) => l.slice(indent)).join("\n")])
    block = undefined
  } else if (block !== undefined) block.push(line)
}
if (sections.size === 0) throw new Error("README.md has no ```ts block")

// The quick start is also a runnable file: the README shows it verbatim (after the file's doc comment).
const quickStart = sections.get("Quick start")?.[0]
const quickStartFile = Fs.readFileSync(Path.join(root, "examples", "quick-start.ts"), "utf8")
if (quickStart === undefined || !quickStartFile.endsWith(`\n${quickStart}\n`)) {
  process.stderr.write("The README's quick start differs from examples/quick-start.ts: make them the same\n")
  process.exit(1)
}

Fs.rmSync(out, { recursive: true, force: true })
Fs.mkdirSync(out, { recursive: true })
for (const [name, blocks] of sections) {
  const file = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}.ts`
  Fs.writeFileSync(Path.join(out, file), `// README.md, section "${name}"\n${blocks.join("\n\n")}\n`)
  process.stdout.write(`README section "${name}": ${blocks.length} block(s) -> examples/readme-snippets/${file}\n`)
}
const tsc = ChildProcess.spawnSync(
  process.execPath,
  [
    Path.join(root, "node_modules", "typescript", "bin", "tsc"),
    "-p",
    Path.join(root, "examples", "tsconfig.readme.json")
  ],
  { stdio: "inherit" }
)
if (tsc.status !== 0) process.exit(tsc.status ?? 1)
process.stdout.write("README code type-checks\n")
