// Fails when the modules of a package's src/ import each other in a cycle, type-only imports included
// (ESLint's import-x/no-cycle skips those): every module must sit above the modules it imports.
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..")
const packagesDir = path.join(root, "packages")

const sourcesOf = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourcesOf(full)
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : []
  })

// `@effect-workos/<pkg>` and `@effect-workos/<pkg>/<Module>` resolve to the workspace sources.
const packageSources = new Map()
for (const name of fs.readdirSync(packagesDir)) {
  const manifest = path.join(packagesDir, name, "package.json")
  const src = path.join(packagesDir, name, "src")
  if (fs.existsSync(manifest) && fs.existsSync(src)) {
    packageSources.set(JSON.parse(fs.readFileSync(manifest, "utf8")).name, src)
  }
}

const resolve = (from, specifier) => {
  if (specifier.startsWith(".")) {
    const target = path.resolve(path.dirname(from), specifier)
    return [target.replace(/\.js$/, ".ts"), `${target}.ts`, path.join(target, "index.ts")].find((file) =>
      fs.existsSync(file)
    )
  }
  for (const [name, src] of packageSources) {
    if (specifier === name) return path.join(src, "index.ts")
    if (specifier.startsWith(`${name}/`)) {
      const file = path.join(src, `${specifier.slice(name.length + 1)}.ts`)
      return fs.existsSync(file) ? file : undefined
    }
  }
  return undefined
}

const files = [...packageSources.values()].flatMap(sourcesOf)
const graph = new Map(files.map((file) => {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true)
  const targets = importedFiles.map(({ fileName }) => resolve(file, fileName)).filter((target) => target !== undefined)
  return [file, [...new Set(targets)]]
}))

// Tarjan's strongly connected components: any component of more than one module (or a module
// importing itself) is a cycle.
let counter = 0
const index = new Map()
const low = new Map()
const stack = []
const onStack = new Set()
const cycles = []
const visit = (file) => {
  index.set(file, counter)
  low.set(file, counter++)
  stack.push(file)
  onStack.add(file)
  for (const target of graph.get(file) ?? []) {
    if (!index.has(target)) {
      visit(target)
      low.set(file, Math.min(low.get(file), low.get(target)))
    } else if (onStack.has(target)) {
      low.set(file, Math.min(low.get(file), index.get(target)))
    }
  }
  if (low.get(file) === index.get(file)) {
    const component = []
    let member
    do {
      member = stack.pop()
      onStack.delete(member)
      component.push(member)
    } while (member !== file)
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component)
  }
}
for (const file of graph.keys()) if (!index.has(file)) visit(file)

if (cycles.length > 0) {
  for (const component of cycles) {
    console.error(`Import cycle among: ${component.map((file) => path.relative(root, file)).sort().join(", ")}`)
  }
  process.exit(1)
}
console.log(`No import cycles among the ${graph.size} source modules of ${packageSources.size} packages.`)
