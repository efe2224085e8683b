// Effect language service diagnostics (rules configured in tsconfig.base.json) for every TypeScript project in the
// workspace: the src and test projects of each package and of each runtime check (runtimes/*), examples and bench.
// Each project reports only its own files (a test project also compiles the sources it imports; those are reported
// once, by the src project).
// Errors and warnings fail; messages (suggestions) are printed and do not.
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const cli = Path.join(root, "node_modules", "@effect", "language-service", "cli.js")

const projects = [
  ...Fs.readdirSync(Path.join(root, "packages")).flatMap((pkg) =>
    ["tsconfig.src.json", "tsconfig.test.json"].map((config) => Path.join("packages", pkg, config))
  ),
  ...Fs.readdirSync(Path.join(root, "runtimes")).flatMap((runtime) =>
    ["tsconfig.src.json", "tsconfig.test.json"].map((config) => Path.join("runtimes", runtime, config))
  ),
  Path.join("examples", "tsconfig.json"),
  Path.join("bench", "tsconfig.json")
].filter((config) => Fs.existsSync(Path.join(root, config)))

const ownFiles = (project) => {
  const parsed = ts.getParsedCommandLineOfConfigFile(Path.join(root, project), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))
    }
  })
  return new Set(parsed.fileNames.map((file) => Path.resolve(file)))
}

const diagnose = (project) =>
  new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(
      process.execPath,
      [cli, "diagnostics", "--project", Path.join(root, project), "--format", "json"],
      { cwd: root }
    )
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      try {
        resolve(JSON.parse(stdout).diagnostics)
      } catch {
        reject(new Error(`${project}: diagnostics exited with ${code}\n${stderr}${stdout}`))
      }
    })
  })

const results = await Promise.all(projects.map(async (project) => {
  const own = ownFiles(project)
  const diagnostics = (await diagnose(project)).filter((d) => own.has(Path.resolve(d.file)))
  return { diagnostics, project }
}))

const count = { error: 0, warning: 0, message: 0, suggestion: 0 }
for (const { diagnostics, project } of results) {
  process.stdout.write(`== ${project}: ${diagnostics.length === 0 ? "clean" : `${diagnostics.length} diagnostics`}\n`)
  for (const d of diagnostics) {
    count[d.severity] = (count[d.severity] ?? 0) + 1
    const message = d.message.split("\n")[0]
    process.stdout.write(
      `${Path.relative(root, d.file)}(${d.line},${d.column}): ${d.severity} effect(${d.name}): ${message}\n`
    )
  }
}
process.stdout.write(
  `\n${count.error} errors, ${count.warning} warnings, ${
    count.message + count.suggestion
  } messages in ${projects.length} projects\n`
)
if (count.error + count.warning > 0) process.exit(1)
