/**
 * A fast path for decoding Graph bodies: the schema's AST compiled once into plain functions that return
 * the decoded value, or say that Effect's own decoder must decide.
 *
 * Effect's decoder allocates an `Either` per value and walks every property through generic closures;
 * for a page of 100 items of a dozen fields that is most of the cost of a read without a network. The
 * functions here handle the shapes Graph schemas are made of (structs of optional fields, arrays, strings,
 * numbers, booleans, literals, unions, refinements and synchronous transformations) and reproduce what
 * Effect's decoder returns for them on success, key order included. Anything else (records, declarations,
 * recursion, effectful transformations) is handed to Effect's decoder for that part. A body the fast path
 * rejects, or cannot vouch for, is decoded again by Effect's decoder, which writes the error: errors read
 * exactly as before, and only failures pay twice.
 *
 * `GraphSchema.tolerant`'s null-dropping step is folded into the decode: a `null` property is skipped as
 * absent and a `null` list element dropped as the decode reaches them, to the same depth, so the body is
 * not copied first and the fields a page does not decode are not walked.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import * as nulls from "../nulls.js"

/** What a fast decoder returns when the value does not match the schema (Effect's decoder would fail too). */
const Reject: unique symbol = Symbol("Reject")

/** Thrown when the fast path cannot tell (Effect's decoder decides). */
const unsure: unique symbol = Symbol("Unsure")

type Decoder = (input: unknown) => unknown

const hasOwn = Object.prototype.hasOwnProperty

const needsEffect = (ast: AST.AST): boolean =>
  Option.isSome(AST.getParseOptionsAnnotation(ast)) || Option.isSome(AST.getDecodingFallbackAnnotation(ast))

// Effect's decoder for one part, where the fast path has nothing better. Its failures are not read as a
// rejection: inside a union, a part that failed for want of an effect or a service must not let a later
// member win, so the whole body goes to Effect's decoder instead.
const byEffect = (ast: AST.AST, tolerant: boolean, depth: number): Decoder => {
  const parse = ParseResult.decodeUnknownEither(Schema.make(ast))
  return (input) => {
    const result = parse(tolerant ? nulls.dropNullsAt(input, depth) : input)
    if (Either.isLeft(result)) throw unsure
    return result.right
  }
}

const isTolerantStep = (ast: AST.AST): boolean => ast.annotations[nulls.TolerantStep] === true

// Effect's union decoder first narrows members by literal-valued properties, which can change the order
// members are tried in; the fast path only takes unions where it would not (members are tried in order).
const mayNarrow = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "Refinement":
      return mayNarrow(ast.from)
    case "Transformation":
      return mayNarrow(ast.from)
    case "TypeLiteral":
      return ast.propertySignatures.some((ps) => !ps.isOptional && AST.isLiteral(AST.encodedAST(ps.type)))
    case "TupleType":
      return ast.elements.some((e) => !e.isOptional && AST.isLiteral(AST.encodedAST(e.type)))
    case "Declaration":
    case "Suspend":
      return true
    default:
      return false
  }
}

// The `typeof` of the values a schema decodes to themselves without looking further: strings for
// `Schema.String` (an open enum too), and for a union tried as a string first (a Graph id).
const passesAsIs = (ast: AST.AST): string | undefined => {
  if (needsEffect(ast)) return undefined
  switch (ast._tag) {
    case "StringKeyword":
      return "string"
    case "NumberKeyword":
      return "number"
    case "BooleanKeyword":
      return "boolean"
    case "Union":
      return ast.types.some(mayNarrow) ? undefined : passesAsIs(ast.types[0]!)
    default:
      return undefined
  }
}

const compile = (ast: AST.AST, tolerant: boolean, depth: number): Decoder => {
  if (needsEffect(ast)) return byEffect(ast, tolerant, depth)
  // Within the depth the null-dropping walk reaches, nulls in this object or list read as absent.
  const dropsHere = tolerant && depth <= nulls.maxNullDepth
  switch (ast._tag) {
    case "StringKeyword":
      return (input) => typeof input === "string" ? input : Reject
    case "NumberKeyword":
      return (input) => typeof input === "number" ? input : Reject
    case "BooleanKeyword":
      return (input) => typeof input === "boolean" ? input : Reject
    case "UndefinedKeyword":
      return (input) => input === undefined ? input : Reject
    case "NeverKeyword":
      return () => Reject
    case "UnknownKeyword":
    case "AnyKeyword":
    case "VoidKeyword":
      return tolerant ? (input) => nulls.dropNullsAt(input, depth) : (input) => input
    case "Literal": {
      const literal = ast.literal
      return (input) => input === literal ? input : Reject
    }
    case "Declaration":
      // `Schema.DateFromSelf` (under `ValidDateFromSelf`, the target of unix times) checks `instanceof Date`.
      if (ast === Schema.DateFromSelf.ast) return (input) => input instanceof Date ? input : Reject
      return byEffect(ast, tolerant, depth)
    case "Refinement": {
      const from = compile(ast.from, tolerant, depth)
      return (input) => {
        const value = from(input)
        if (value === Reject) return Reject
        return Option.isNone(ast.filter(value, AST.defaultParseOption, ast)) ? value : Reject
      }
    }
    case "Transformation": {
      const transformation = ast.transformation
      // `GraphSchema.tolerant`: the decode of what follows reads nulls as absent itself.
      if (transformation._tag === "ComposeTransformation" && isTolerantStep(ast.from)) return compile(ast.to, true, 0)
      if (transformation._tag === "TypeLiteralTransformation") return byEffect(ast, tolerant, depth)
      const from = compile(ast.from, tolerant, depth)
      // The decoded value is not Graph's body any more: no nulls to drop in it.
      const to = compile(ast.to, false, 0)
      if (transformation._tag === "ComposeTransformation") {
        return (input) => {
          const value = from(input)
          return value === Reject ? Reject : to(value)
        }
      }
      const decode = transformation.decode
      return (input) => {
        const value = from(input)
        if (value === Reject) return Reject
        const result = decode(value, AST.defaultParseOption, ast, tolerant ? nulls.dropNullsAt(input, depth) : input)
        if (!Either.isEither(result)) throw unsure
        return Either.isLeft(result) ? Reject : to(result.right)
      }
    }
    case "TupleType": {
      if (ast.elements.length > 0 || ast.rest.length !== 1) return byEffect(ast, tolerant, depth)
      const item = compile(ast.rest[0]!.type, tolerant, depth + 1)
      return (input) => {
        if (!Array.isArray(input)) return Reject
        const out: Array<unknown> = []
        for (let i = 0; i < input.length; i++) {
          const element: unknown = input[i]
          if (dropsHere && element === null) continue
          const value = item(element)
          if (value === Reject) return Reject
          out.push(value)
        }
        return out
      }
    }
    case "TypeLiteral": {
      if (ast.indexSignatures.length > 0 || ast.propertySignatures.length === 0) return byEffect(ast, tolerant, depth)
      const names = ast.propertySignatures.map((ps) => ps.name)
      const optional = ast.propertySignatures.map((ps) => ps.isOptional)
      const decoders = ast.propertySignatures.map((ps) => compile(ps.type, tolerant, depth + 1))
      const passes = ast.propertySignatures.map((ps) => passesAsIs(ps.type))
      const count = names.length
      return (input) => {
        if (typeof input !== "object" || input === null || Array.isArray(input)) return Reject
        const record = input as Record<PropertyKey, unknown>
        const out: Record<PropertyKey, unknown> = {}
        for (let i = 0; i < count; i++) {
          const name = names[i]!
          let value = record[name]
          if (!hasOwn.call(record, name) || (dropsHere && value === null)) {
            if (optional[i]) continue
            // A missing required field is decoded as Effect does (from what the object would inherit);
            // after null-dropping that object is a fresh copy.
            value = dropsHere && hasOwn.call(record, name) ? ({} as Record<PropertyKey, unknown>)[name] : value
          }
          // Most fields are strings that decode to themselves: no call for those.
          const decoded = typeof value === passes[i] ? value : decoders[i]!(value)
          if (decoded === Reject) return Reject
          out[name] = decoded
        }
        return out
      }
    }
    case "Union": {
      if (ast.types.some(mayNarrow)) return byEffect(ast, tolerant, depth)
      const members = ast.types.map((member) => compile(member, tolerant, depth))
      return (input) => {
        for (const member of members) {
          const value = member(input)
          if (value !== Reject) return value
        }
        return Reject
      }
    }
    default:
      return byEffect(ast, tolerant, depth)
  }
}

const compiled = new WeakMap<AST.AST, Decoder | undefined>()

/**
 * What a fast decoder returns when Effect's decoder must decide: the body does not match the schema, or
 * the fast path cannot vouch for it.
 *
 * @internal
 */
export const Undecided: unique symbol = Symbol("Undecided")

/**
 * The fast decoder of a schema (compiled once per AST), or `undefined` when it would only hand the whole
 * body to Effect's decoder. It returns the decoded value or {@link Undecided}.
 *
 * @internal
 */
export const fastDecoder = (ast: AST.AST): ((input: unknown) => unknown) | undefined => {
  if (compiled.has(ast)) return compiled.get(ast)
  const root = ast._tag === "Transformation" && isTolerantStep(ast.from) ? ast.to : ast
  const worthIt = !needsEffect(root) && ["TypeLiteral", "TupleType", "Union", "Refinement"].includes(root._tag)
  const decoder = worthIt ? compile(ast, false, 0) : undefined
  const fast = decoder === undefined ? undefined : (input: unknown): unknown => {
    try {
      const value = decoder(input)
      return value === Reject ? Undecided : value
    } catch {
      // Unsure, a stack overflow on hostile nesting, or a throwing filter: Effect's decoder decides.
      return Undecided
    }
  }
  compiled.set(ast, fast)
  return fast
}
