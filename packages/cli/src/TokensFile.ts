/**
 * `--tokens FILE`: a token (and optionally an app secret) per business, as CSV (`business_id,token[,app_secret]`,
 * with or without a header row) or as JSON lines (`{"business_id": "…", "token": "…", "app_secret": "…"}`).
 *
 * The whole file is checked before anything is sent. A problem names the file and the line, never a token or
 * a secret: the messages are built from positions and column names only, not from what the line holds (not
 * even from `JSON.parse`'s message, which quotes the text around the fault).
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs/promises"
import * as Guide from "./Guide.js"
import { UsageError } from "./UsageError.js"

/** One business's credentials, as the file gave them. */
export interface Entry {
  readonly businessId: string
  readonly token: Redacted.Redacted<string>
  readonly appSecret: Redacted.Redacted<string> | undefined
  /** The line it was read from, 1 for the first. */
  readonly line: number
}

const columns = ["business_id", "token", "app_secret"] as const

type Column = typeof columns[number]

// What a pasted token never holds: a stray newline, a quote or a space shows it was copied wrong.
// eslint-disable-next-line no-control-regex
const tokenForbidden = /[\s\u0000-\u001f\u007f"'<>\\]/

// One CSV field: in double quotes (inner quotes doubled) or bare, spaces around it ignored, then a comma or the end.
const csvField = /[ \t]*(?:"((?:[^"]|"")*)"[ \t]*|([^,"]*))(,|$)/y

/** The fields of one CSV line; `undefined` when a quote is left open or stray. */
const csvFields = (line: string): Array<string> | undefined => {
  const fields: Array<string> = []
  csvField.lastIndex = 0
  for (let match = csvField.exec(line); match !== null; match = csvField.exec(line)) {
    fields.push(match[1] === undefined ? match[2]!.trim() : match[1].replace(/""/g, "\""))
    if (match[3] === "") return csvField.lastIndex === line.length ? fields : undefined
  }
  return undefined
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The entries of a tokens file's text, or the first problem with it. `name` is how messages refer to the
 * file. A business given twice with the same credentials counts once; with different ones it is refused.
 */
export const parse = (text: string, name: string): Array<Entry> | UsageError => {
  const problem = (line: number, message: string, hint?: string) =>
    new UsageError({
      message: `${name}, line ${line}: ${message}`,
      hint: hint ?? "Each line is business_id,token[,app_secret] (a header row is optional), or a JSON object " +
          "{\"business_id\": \"…\", \"token\": \"…\", \"app_secret\": \"…\"} (app_secret optional). See " +
          `${Guide.tokensFile}.`
    })
  const lines = text.replace(/^\uFEFF/, "").split("\n").map((line) => line.replace(/\r$/, ""))
  const numbered = lines.map((text, i) => ({ text, number: i + 1 })).filter(({ text }) => text.trim() !== "")
  if (numbered.length === 0) {
    return new UsageError({ message: `${name} holds no business.`, hint: "Give one business_id,token per line." })
  }
  const jsonLines = numbered[0]!.text.trimStart().startsWith("{")
  let order: ReadonlyArray<Column> = ["business_id", "token", "app_secret"]
  if (!jsonLines) {
    const first = csvFields(numbered[0]!.text)
    const names = first?.map((field) => field.toLowerCase())
    if (names !== undefined && names.includes("business_id")) {
      const unknown = names.find((column) => !(columns as ReadonlyArray<string>).includes(column))
      if (unknown !== undefined || !names.includes("token") || new Set(names).size !== names.length) {
        return problem(
          numbered[0]!.number,
          "the header row must name business_id, token and optionally app_secret, each once."
        )
      }
      order = names as ReadonlyArray<Column>
      numbered.shift()
      if (numbered.length === 0) {
        return new UsageError({ message: `${name} holds a header row but no business.` })
      }
    }
  }

  const entries = new Map<string, Entry>()
  for (const { number, text } of numbered) {
    let given: Partial<Record<Column, unknown>>
    if (jsonLines) {
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        return problem(number, "this line is not valid JSON.")
      }
      if (!isRecord(value)) return problem(number, "this line is not a JSON object.")
      const unknown = Object.keys(value).find((key) => !(columns as ReadonlyArray<string>).includes(key))
      // Not named: a misplaced token would be echoed.
      if (unknown !== undefined) return problem(number, "a key other than business_id, token and app_secret.")
      given = value
    } else {
      const fields = csvFields(text)
      if (fields === undefined) return problem(number, "a double quote is left open or stray.")
      if (fields.length < 2 || fields.length > order.length) {
        return problem(
          number,
          `expected ${order.length === 2 ? "2" : "2 or 3"} comma-separated fields, found ${fields.length}.`
        )
      }
      given = Object.fromEntries(fields.map((field, i) => [order[i]!, field]))
    }
    const { app_secret: secret, business_id: id, token } = given
    if (typeof id !== "string") return problem(number, "business_id must be given, as a string of digits.")
    if (!/^\d{1,20}$/.test(id.trim())) return problem(number, "business_id must be digits only.")
    if (typeof token !== "string" || token.trim() === "") return problem(number, "the token is empty.")
    if (tokenForbidden.test(token.trim())) {
      return problem(number, "the token holds whitespace, quotes or control characters; check how it was copied.")
    }
    if (secret !== undefined && typeof secret !== "string") return problem(number, "app_secret must be a string.")
    const appSecret = secret === undefined || secret.trim() === "" ? undefined : secret.trim()
    if (appSecret !== undefined && tokenForbidden.test(appSecret)) {
      return problem(number, "the app secret holds whitespace, quotes or control characters.")
    }
    const businessId = id.trim()
    const entry: Entry = {
      businessId,
      token: Redacted.make(token.trim()),
      appSecret: appSecret === undefined ? undefined : Redacted.make(appSecret),
      line: number
    }
    const earlier = entries.get(businessId)
    if (earlier === undefined) {
      entries.set(businessId, entry)
    } else if (
      Redacted.value(earlier.token) !== Redacted.value(entry.token) ||
      (earlier.appSecret && Redacted.value(earlier.appSecret)) !== (entry.appSecret && Redacted.value(entry.appSecret))
    ) {
      return problem(
        number,
        `business ${businessId} is given again with other credentials (first on line ${earlier.line}).`,
        "Keep one line per business."
      )
    }
  }
  return [...entries.values()]
}

/** Reads and checks a tokens file; fails with a usage error naming the file (and the line) at fault. */
export const read = (path: string): Effect.Effect<Array<Entry>, UsageError> =>
  Effect.tryPromise({
    try: () => Fs.readFile(path, "utf8"),
    catch: (error) => {
      const code = (error as NodeJS.ErrnoException).code
      return new UsageError({
        message: `--tokens ${path} cannot be read: ${
          code === "ENOENT"
            ? "there is no such file"
            : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : code === "EISDIR"
            ? "it is a directory"
            : `error ${code ?? "unknown"}`
        }.`
      })
    }
  }).pipe(Effect.flatMap((text) => {
    const parsed = parse(text, `--tokens ${path}`)
    return Array.isArray(parsed) ? Effect.succeed(parsed) : Effect.fail(parsed)
  }))

/** Every secret the entries hold, to scrub from anything printed. */
export const secrets = (entries: ReadonlyArray<Entry>): Array<Redacted.Redacted<string>> =>
  entries.flatMap((entry) => entry.appSecret === undefined ? [entry.token] : [entry.token, entry.appSecret])

// The usage error for business ids that the entries (of the file at `path`) give no token for, naming the
// first three; `undefined` when every one has a line.
const uncovered = (
  entries: ReadonlyArray<Entry>,
  businessIds: ReadonlyArray<string>,
  path: string
): UsageError | undefined => {
  const known = new Set(entries.map((entry) => entry.businessId))
  const unknown = businessIds.filter((id) => !known.has(id))
  return unknown.length === 0 ? undefined : new UsageError({
    message: `--tokens ${path} has no token for business ${unknown.slice(0, 3).join(", ")}${
      unknown.length > 3 ? ` (and ${unknown.length - 3} more)` : ""
    }.`,
    hint: "Add a line for it, or give the token to use for the businesses not in the file with " +
      "GRAPH_ACCESS_TOKEN or --token."
  })
}

/**
 * `--tokens FILE`, read when given, and the businesses a command reads: those named (repeats dropped), else
 * the file's. Without `--token` for the others, each business named must have a line in the file.
 */
export const businesses = (input: {
  readonly tokens: string | undefined
  readonly token: Redacted.Redacted<string> | undefined
  readonly businessIds: ReadonlyArray<string>
}) =>
  Effect.gen(function*() {
    const tokens = input.tokens === undefined ? undefined : yield* read(input.tokens)
    const named = [...new Set(input.businessIds)]
    const missing = tokens === undefined || input.token !== undefined
      ? undefined
      : uncovered(tokens, named, input.tokens!)
    if (missing !== undefined) return yield* missing
    return {
      tokens,
      named,
      businessIds: named.length === 0 && tokens !== undefined
        ? tokens.map((e) => e.businessId)
        : named
    }
  })
