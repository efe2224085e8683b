// Every exported name of a public module (packages/*/src, outside internal/) needs a JSDoc description, `@since` and
// `@category`; a module opens with a doc comment carrying `@since`; the entry's namespace re-exports need a
// description and `@since`. docgen enforces descriptions and `@since` but not `@category`: this reports all three,
// for every package at once, and fails if anything is missing. Dotfiles (the `.index.ts` barrel templates) are skipped.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const packagesDir = Path.join(root, "packages")

const modules = Fs.readdirSync(packagesDir).flatMap((pkg) => {
  const src = Path.join(packagesDir, pkg, "src")
  return Fs.existsSync(src)
    ? Fs.readdirSync(src).filter((file) => file.endsWith(".ts") && !file.startsWith(".")).map((file) =>
      Path.join(src, file)
    )
    : []
})

const tagsOf = (node) => ts.getJSDocTags(node).map((tag) => tag.tagName.text)
const hasDescription = (node) =>
  ts.getJSDocCommentsAndTags(node).some((doc) => ts.isJSDoc(doc) && ts.getTextOfJSDocComment(doc.comment)?.trim())
const isExported = (node) => ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Export

const problems = []
for (const file of modules) {
  const source = ts.createSourceFile(file, Fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
  const where = (node) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source))
    return `${Path.relative(root, file)}:${line + 1}`
  }
  const isEntry = Path.basename(file) === "index.ts"
  const first = source.statements[0]
  if (!isEntry && (first === undefined || !/@since/.test(source.text.slice(0, first.getStart(source))))) {
    problems.push(`${Path.relative(root, file)}:1 module doc comment with @since is missing`)
  }
  for (const statement of source.statements) {
    const exported = ts.isExportDeclaration(statement) ? statement.exportClause !== undefined : isExported(statement)
    if (!exported) continue
    const name = ts.isVariableStatement(statement)
      ? statement.declarationList.declarations.map((d) => d.name.getText(source)).join(", ")
      : ts.isExportDeclaration(statement)
      ? statement.exportClause.getText(source)
      : statement.name?.getText(source) ?? "(default)"
    // the JSDoc of a variable sits on its statement
    const tags = tagsOf(ts.isVariableStatement(statement) ? statement.declarationList.declarations[0] : statement)
    const missing = [
      hasDescription(ts.isVariableStatement(statement) ? statement.declarationList.declarations[0] : statement)
        ? undefined
        : "description",
      tags.includes("since") ? undefined : "@since",
      isEntry || tags.includes("category") ? undefined : "@category"
    ].filter((x) => x !== undefined)
    if (tags.includes("internal")) continue
    if (missing.length > 0) problems.push(`${where(statement)} ${name}: missing ${missing.join(", ")}`)
  }
}

for (const problem of problems) process.stdout.write(`${problem}\n`)
process.stdout.write(`${problems.length} exported names with incomplete JSDoc in ${modules.length} modules\n`)
if (problems.length > 0) process.exit(1)
