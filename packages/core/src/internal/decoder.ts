/**
 * One-pass decoding of response bodies, compiled from the model Schemas.
 *
 * Schema decodes a model with renamed or defaulted fields twice: the wire side
 * (`created_at`, `null`), then the type side again (`createdAt`, the instance).
 * The decoder compiled here walks the same AST once: it checks the wire side
 * node by node, renames and defaults as the Schema's own property signature
 * transformations say, and builds each model with the class's own constructor
 * (`new Model(props, true)`, through the Schema's transformation). What the
 * type side would check again is not checked again, except values a
 * transformation made up (defaults), which are.
 *
 * It is only ever sure of success: wherever a value does not fit, or a node is
 * one it does not know, it answers `defer` and Schema decodes the whole body,
 * so a failure is Schema's own `ParseError`, naming the same wire path.
 * Values of type `unknown` (attributes) are kept as they are, never walked, so
 * deeply nested JSON costs nothing and cannot exhaust the stack.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { Timestamp, timestampOf } from "./timestamp.js"

/** The answer of a compiled decoder that is not sure: Schema decides. @internal */
export const defer: unique symbol = Symbol.for("@effect-workos/core/internal/decoder/defer")

/** A compiled decoder: the decoded value, or `defer`. @internal */
export type Decode = (input: unknown) => unknown

type Fields = Record<PropertyKey, unknown>
type DecodeFields = (input: unknown) => Fields | typeof defer

/** The options the client decodes with: excess properties ignored, the first error reported. @internal */
export const options: AST.ParseOptions = { onExcessProperty: "ignore", errors: "first" }

const compiled = new WeakMap<AST.AST, Decode>()

/** The one-pass decoder of `ast`, compiled once per AST. @internal */
export const compile = (ast: AST.AST): Decode => {
  const cached = compiled.get(ast)
  if (cached !== undefined) return cached
  const decode = hasParserAnnotations(ast) ? viaSchema(ast) : build(ast)
  compiled.set(ast, decode)
  return decode
}

// Annotations that change how Schema parses a node: such a node is left to Schema.
const hasParserAnnotations = (ast: AST.AST): boolean =>
  Option.isSome(AST.getParseOptionsAnnotation(ast)) || Option.isSome(AST.getDecodingFallbackAnnotation(ast))

const build = (ast: AST.AST): Decode => {
  if (ast === Timestamp.ast) return timestamp
  switch (ast._tag) {
    case "StringKeyword":
      return guard(Predicate.isString)
    case "NumberKeyword":
      return guard(Predicate.isNumber)
    case "BooleanKeyword":
      return guard(Predicate.isBoolean)
    case "UnknownKeyword":
    case "AnyKeyword":
      return identity
    case "Literal":
      return literals([ast.literal])
    case "Union":
      return union(ast)
    case "TupleType":
      return array(ast)
    case "TypeLiteral":
      return typeLiteral(ast)
    case "Refinement":
      return refinement(ast)
    case "Transformation":
      return transformation(ast)
    case "Declaration":
      return declaration(ast)
    default:
      return viaSchema(ast)
  }
}

// Schema's own decoding of one node, for the nodes the fast path does not know.
const viaSchema = (ast: AST.AST): Decode => {
  const decode = ParseResult.decodeUnknownEither(Schema.make(ast), options)
  return (input) => {
    const result = decode(input)
    return Either.isRight(result) ? result.right : defer
  }
}

const rightOrDefer = (result: Effect.Effect<unknown, ParseResult.ParseIssue, unknown>): unknown =>
  Either.isEither(result) && Either.isRight(result) ? result.right : defer

const guard = (is: (input: unknown) => boolean): Decode => (input) => is(input) ? input : defer

// The plain ISO form first, then the tolerant parse: what the `Timestamp` Schema decodes with.
const timestamp: Decode = (input) => {
  if (typeof input !== "string") return defer
  return timestampOf(input) ?? defer
}

// A set answers as `===` does, except for `NaN`, which no literal check accepts.
const literals = (values: ReadonlyArray<AST.LiteralValue>): Decode => {
  const set = new Set<unknown>(values.filter((value) => !(typeof value === "number" && Number.isNaN(value))))
  return (input) => set.has(input) ? input : defer
}

const declaration = (ast: AST.Declaration): Decode => {
  const parse = ast.decodeUnknown(...ast.typeParameters)
  return (input) => rightOrDefer(parse(input, options, ast))
}

const refinement = (ast: AST.Refinement): Decode => {
  const from = compile(ast.from)
  return (input) => {
    const value = from(input)
    return value === defer || Option.isSome(ast.filter(value, options, ast)) ? defer : value
  }
}

// Whether Schema would pick a union member by a literal-valued key before trying the members
// in order (`ParseResult.getLiterals`): the fast path tries them in order, so only untagged unions are its.
const isTagged = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "Declaration":
      return Option.match(AST.getSurrogateAnnotation(ast), { onNone: () => false, onSome: isTagged })
    case "TypeLiteral":
      return ast.propertySignatures.some((ps) => !ps.isOptional && AST.isLiteral(AST.encodedAST(ps.type)))
    case "TupleType":
      return ast.elements.some((element) => !element.isOptional && AST.isLiteral(AST.encodedAST(element.type)))
    case "Refinement":
    case "Transformation":
      return isTagged(ast.from)
    case "Suspend":
      return true
    default:
      return false
  }
}

// The first member that decodes, in order, as Schema tries untagged members. A run of plain literals is one set.
const union = (ast: AST.Union): Decode => {
  if (ast.types.some(isTagged)) return viaSchema(ast)
  const members: Array<Decode> = []
  let run: Array<AST.LiteralValue> = []
  const closeRun = () => {
    if (run.length > 0) members.push(literals(run))
    run = []
  }
  for (const member of ast.types) {
    if (AST.isLiteral(member) && !hasParserAnnotations(member)) {
      run.push(member.literal)
    } else {
      closeRun()
      members.push(compile(member))
    }
  }
  closeRun()
  return (input) => {
    for (const member of members) {
      const value = member(input)
      if (value !== defer) return value
    }
    return defer
  }
}

const array = (ast: AST.TupleType): Decode => {
  if (ast.elements.length > 0 || ast.rest.length !== 1) return viaSchema(ast)
  const item = compile(ast.rest[0]!.type)
  return (input) => {
    if (!Array.isArray(input)) return defer
    const out: Array<unknown> = new Array(input.length)
    for (let i = 0; i < input.length; i++) {
      const value = item(input[i])
      if (value === defer) return defer
      out[i] = value
    }
    return out
  }
}

// `Record<string, unknown>`: any object, kept as it is (Schema would copy it key by key).
const isAnyRecord = (ast: AST.TypeLiteral): boolean =>
  ast.propertySignatures.length === 0 && ast.indexSignatures.length === 1 &&
  ast.indexSignatures[0]!.parameter._tag === "StringKeyword" &&
  (ast.indexSignatures[0]!.type._tag === "UnknownKeyword" || ast.indexSignatures[0]!.type._tag === "AnyKeyword")

const typeLiteral = (ast: AST.TypeLiteral): Decode => {
  if (isAnyRecord(ast)) return (input) => Predicate.isRecord(input) ? input : defer
  return fieldsOf(ast) ?? viaSchema(ast)
}

// A struct of property signatures: a fresh object of the declared keys, in their order.
const fieldsOf = (ast: AST.TypeLiteral): DecodeFields | undefined => {
  if (ast.indexSignatures.length > 0 || ast.propertySignatures.length === 0) return undefined
  const fields = ast.propertySignatures.map((ps) => ({
    name: ps.name,
    optional: ps.isOptional,
    decode: compile(ps.type)
  }))
  return (input) => {
    if (!Predicate.isRecord(input)) return defer
    const out: Fields = {}
    for (const field of fields) {
      if (!Object.hasOwn(input, field.name)) {
        if (field.optional) continue
        return defer
      }
      const value = field.decode(input[field.name])
      if (value === defer) return defer
      out[field.name] = value
    }
    return out
  }
}

const transformation = (ast: AST.Transformation): Decode => {
  switch (ast.transformation._tag) {
    case "TypeLiteralTransformation":
      return renamed(ast, ast.transformation) ?? viaSchema(ast)
    case "FinalTransformation":
      return final(ast, ast.transformation)
    case "ComposeTransformation":
      return composed(ast)
  }
}

const composed = (ast: AST.Transformation): Decode => {
  const from = compile(ast.from)
  const to = compile(ast.to)
  return (input) => {
    const value = from(input)
    return value === defer ? defer : to(value)
  }
}

// The wire side, the transformation (e.g. `new Model(props, true)`), then the type side as Schema checks it.
const final = (ast: AST.Transformation, transformation: AST.FinalTransformation): Decode => {
  const from = compile(ast.from)
  const to = compile(ast.to)
  return (input) => {
    const value = from(input)
    if (value === defer) return defer
    const transformed = rightOrDefer(transformation.decode(value, options, ast, input))
    return transformed === defer ? defer : to(transformed)
  }
}

// One key of a struct with renamed or defaulted keys: where its value comes from on the wire, and how it gets there.
interface Entry {
  readonly name: PropertyKey
  readonly optional: boolean
  readonly source: PropertyKey
  readonly sourceOptional: boolean
  readonly decode: Decode
  // The property signature transformation, unless it only renames (`identity`).
  readonly convert: ((o: Option.Option<unknown>) => Option.Option<unknown>) | undefined
  // The type side, for a value the transformation makes up (a default).
  readonly check: Decode
}

const entryOf = (
  from: AST.TypeLiteral,
  to: AST.TypeLiteral,
  transformations: ReadonlyArray<AST.PropertySignatureTransformation>
) =>
(ps: AST.PropertySignature): Entry | undefined => {
  const pst = transformations.find((t) => t.to === ps.name)
  const source = pst === undefined ? ps.name : pst.from
  const wire = from.propertySignatures.find((candidate) => candidate.name === source)
  if (wire === undefined) return undefined
  return {
    name: ps.name,
    optional: ps.isOptional,
    source,
    sourceOptional: wire.isOptional,
    decode: compile(wire.type),
    convert: pst === undefined || pst.decode === identity ? undefined : pst.decode,
    check: compile(ps.type)
  }
}

// Schema applies the transformations one after the other, in place: reading every value from the
// wire object instead is the same only when no transformation reads a key an earlier one wrote,
// and every wire key feeds exactly one type-side key.
const isPlain = (
  from: AST.TypeLiteral,
  to: AST.TypeLiteral,
  transformations: ReadonlyArray<AST.PropertySignatureTransformation>
): boolean => {
  const written = new Set<PropertyKey>()
  for (const t of transformations) {
    if (written.has(t.from)) return false
    written.add(t.to)
  }
  const sources = to.propertySignatures.map((ps) => transformations.find((t) => t.to === ps.name)?.from ?? ps.name)
  return new Set(sources).size === sources.length && from.propertySignatures.length === sources.length &&
    from.propertySignatures.every((ps) => sources.includes(ps.name))
}

// One key: `false` when the fast path is not sure.
const applyEntry = (entry: Entry, input: Readonly<Fields>, out: Fields): boolean => {
  const has = Object.hasOwn(input, entry.source)
  if (!has) {
    if (!entry.sourceOptional) return false
    if (entry.convert === undefined) return entry.optional
  }
  const value = has ? entry.decode(input[entry.source]) : undefined
  if (value === defer) return false
  if (entry.convert === undefined) {
    out[entry.name] = value
    return true
  }
  const converted = entry.convert(has ? Option.some(value) : Option.none())
  if (Option.isNone(converted)) return entry.optional
  const result = has && converted.value === value ? value : entry.check(converted.value)
  out[entry.name] = result
  return result !== defer
}

// A struct with renamed or defaulted keys, in one pass: each type-side key, in its order, from its wire key.
const renamed = (ast: AST.Transformation, transformation: AST.TypeLiteralTransformation): Decode | undefined => {
  const { from, to } = ast
  if (!AST.isTypeLiteral(from) || !AST.isTypeLiteral(to)) return undefined
  if (from.indexSignatures.length > 0 || to.indexSignatures.length > 0) return undefined
  const transformations = transformation.propertySignatureTransformations
  if (!isPlain(from, to, transformations)) return undefined
  const entries: Array<Entry> = []
  for (const ps of to.propertySignatures) {
    const entry = entryOf(from, to, transformations)(ps)
    if (entry === undefined) return undefined
    entries.push(entry)
  }
  return (input) => {
    if (!Predicate.isRecord(input)) return defer
    const out: Fields = {}
    for (const entry of entries) if (!applyEntry(entry, input, out)) return defer
    return out
  }
}

// The compiled decoder of `schema.ast` answered a value, not `defer`: that value is
// `schema`'s decoding of the input, so it has `schema`'s type.
const isDecodedBy = <A, I, R>(_schema: Schema.Schema<A, I, R>, value: unknown): value is A => value !== defer

/**
 * `Schema.decodeUnknown(schema)` with the client's options, through the
 * one-pass decoder: the same values, the same `ParseError`s (any input the
 * one-pass decoder is not sure of is decoded by Schema).
 *
 * @internal
 */
export const decodeUnknown = <A, I, R>(
  schema: Schema.Schema<A, I, R>
): (input: unknown) => Effect.Effect<A, ParseResult.ParseError, R> => {
  const fast = compile(schema.ast)
  return (input) => {
    const value = fast(input)
    return isDecodedBy(schema, value) ? Effect.succeed(value) : Schema.decodeUnknown(schema, options)(input)
  }
}

/**
 * `Schema.decodeUnknownEither(schema)` with the client's options, through the one-pass decoder.
 *
 * @internal
 */
export const decodeUnknownEither = <A, I>(
  schema: Schema.Schema<A, I>
): (input: unknown) => Either.Either<A, ParseResult.ParseError> => {
  const fast = compile(schema.ast)
  return (input) => {
    const value = fast(input)
    return isDecodedBy(schema, value) ? Either.right(value) : Schema.decodeUnknownEither(schema, options)(input)
  }
}
