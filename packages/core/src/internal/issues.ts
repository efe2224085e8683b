/**
 * Decode failures as text that stays small whatever the body: Schema's
 * formatters render the value found at each failing path, recursively, so a
 * body of a few thousand nested arrays overflows the stack and a large one
 * fills the message. Values are cut down before they are rendered.
 *
 * @internal
 */
import * as Arr from "effect/Array"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"

const maxDepth = 2
const maxItems = 5
const maxString = 200

// The shape of `value`, at most `maxDepth` levels and `maxItems` entries a level.
const cut = (value: unknown, depth: number): unknown => {
  if (typeof value === "string") return value.length > maxString ? `${value.slice(0, maxString)}...` : value
  if (!Predicate.isObject(value) || Predicate.isFunction(value)) return value
  if (Array.isArray(value)) {
    if (depth >= maxDepth) return `<array of ${value.length}>`
    const items: Array<unknown> = value.slice(0, maxItems).map((item: unknown) => cut(item, depth + 1))
    return value.length > maxItems ? [...items, `<${value.length - maxItems} more>`] : items
  }
  if (depth >= maxDepth) return "<object>"
  const keys = Object.keys(value)
  const entries = keys.slice(0, maxItems).map((key) => [key, cut(Reflect.get(value, key), depth + 1)] as const)
  return Object.fromEntries(
    keys.length > maxItems ? [...entries, ["...", `<${keys.length - maxItems} more>`]] : entries
  )
}

const bound = (value: unknown): unknown => cut(value, 0)

const boundIssues = (
  issues: ParseResult.SingleOrNonEmpty<ParseResult.ParseIssue>
): ParseResult.SingleOrNonEmpty<ParseResult.ParseIssue> =>
  "_tag" in issues ? boundIssue(issues) : Arr.map(issues, boundIssue)

/** The issue tree with every value found cut down; the tree itself is as deep as the schema. @internal */
export const boundIssue = (issue: ParseResult.ParseIssue): ParseResult.ParseIssue => {
  switch (issue._tag) {
    case "Pointer":
      return new ParseResult.Pointer(issue.path, bound(issue.actual), boundIssue(issue.issue))
    case "Composite":
      return new ParseResult.Composite(
        issue.ast,
        bound(issue.actual),
        boundIssues(issue.issues),
        issue.output
      )
    case "Refinement":
      return new ParseResult.Refinement(issue.ast, bound(issue.actual), issue.kind, boundIssue(issue.issue))
    case "Transformation":
      return new ParseResult.Transformation(issue.ast, bound(issue.actual), issue.kind, boundIssue(issue.issue))
    case "Type":
      return new ParseResult.Type(issue.ast, bound(issue.actual), issue.message)
    case "Forbidden":
      return new ParseResult.Forbidden(issue.ast, bound(issue.actual), issue.message)
    case "Unexpected":
      return new ParseResult.Unexpected(bound(issue.actual), issue.message)
    case "Missing":
      return issue
  }
}

/** `data[1].directory_id: is missing`: the wire path of each issue, on one line. @internal */
export const formatPaths = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatIssueSync(boundIssue(error.issue)).map(({ message, path }) => {
    const at = path.reduce<string>(
      (at, key) => typeof key === "number" ? `${at}[${key}]` : at === "" ? String(key) : `${at}.${String(key)}`,
      ""
    )
    return at === "" ? message : `${at}: ${message}`
  }).join("; ")

/** Schema's tree rendering, over the cut-down issue. @internal */
export const formatTree = (error: ParseResult.ParseError): string =>
  ParseResult.TreeFormatter.formatIssueSync(boundIssue(error.issue))
