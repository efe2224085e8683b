// Removes every build output (tsc, babel, pack-v3, docgen; all gitignored), so the next build starts from nothing.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const packages = Fs.readdirSync(Path.join(root, "packages")).map((name) => Path.join(root, "packages", name))
const outputs = [
  ...packages.flatMap((dir) => ["build", "dist", "docs", ".tsbuildinfo"].map((out) => Path.join(dir, out))),
  ...["examples", "bench"].flatMap((dir) => ["build", ".tsbuildinfo"].map((out) => Path.join(root, dir, out)))
]
for (const output of outputs) {
  Fs.rmSync(output, { recursive: true, force: true })
}
