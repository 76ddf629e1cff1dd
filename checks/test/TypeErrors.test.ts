/**
 * The common mistakes are told in words. Each program below is compiled as a user's would be (strict,
 * `exactOptionalPropertyTypes`, NodeNext, against the workspace packages); the compiler's message for its last
 * line must say what is wrong, in the sentence the library's types put there, rather than the structure of a
 * declaration it could not match.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import type * as DocFences from "../src/DocFences.js"
import * as Snippets from "../src/Snippets.js"

const imports = [
  "import { FetchHttpClient } from \"@effect/platform\"",
  "import { GraphClient, GraphConfig, RateGovernor, RateGovernorStore } from \"@effect-waba/graph-core\"",
  "import { ClientAccounts, Filter, ManagedAccounts, OwnedAccounts, WhatsAppBusinessAccount } from \"@effect-waba/waba\"",
  "import { Effect, Layer, Stream } from \"effect\"",
  "",
  "const program = OwnedAccounts.stream(\"1234567890\").pipe(Stream.runCollect)"
]

// Each mistake is the last line of its program, so that a problem anywhere else is not the one asserted.
const mistakes = {
  "a filter of another edge": "OwnedAccounts.stream(\"1234567890\", { filtering: Filter.qualityRating.in(\"RED\") })",
  "a filter of another edge, in a list": "OwnedAccounts.all(\"1234567890\", {\n" +
    "  filtering: [Filter.creationTime.greaterThan(new Date(\"2024-01-01\")), Filter.qualityRating.in(\"RED\")]\n" +
    "})",
  "a filter of another edge, in a fan-out":
    "ManagedAccounts.stream([\"1234567890\"], { filtering: Filter.phoneStatus.equal(\"CONNECTED\") })",
  "a sort on an edge that has none": "ClientAccounts.stream(\"1234567890\", { sort: \"creation_time_ascending\" })",
  "a field the edge's items do not have": "OwnedAccounts.stream(\"1234567890\", { fields: [\"name\", \"nmae\"] })",
  "a field the node does not have":
    "WhatsAppBusinessAccount.get(\"1234567890\", { fields: [\"display_phone_number\"] })",
  "a field of an expanded edge": "OwnedAccounts.stream(\"1234567890\", {\n" +
    "  expand: { phone_numbers: { fields: [\"quality_rating\", \"quailty\"] } }\n" +
    "})",
  "an edge that cannot be expanded": "OwnedAccounts.stream(\"1234567890\", { expand: { message_templates: {} } })",
  "a field in a fan-out": "ManagedAccounts.all([\"1234567890\"], { fields: [\"permitted_tasks\"] })",
  "a governor without its store": "const GraphLive = GraphClient.layer.pipe(\n" +
    "  Layer.provide(RateGovernor.layer()),\n" +
    "  Layer.provide(GraphConfig.layerConfig()),\n" +
    "  Layer.provide(FetchHttpClient.layer)\n" +
    ")\n" +
    "Effect.runPromise(program.pipe(Effect.provide(GraphLive)))"
} as const

type Mistake = keyof typeof mistakes

// The same calls written right: the checks must leave valid programs alone.
const valid = [
  "export const a = OwnedAccounts.all(\"1234567890\", {",
  "  fields: [\"name\", \"creation_time\"],",
  "  filtering: [Filter.creationTime.greaterThan(new Date(\"2024-01-01\")), Filter.ownershipType.in(\"SELF\")],",
  "  sort: \"creation_time_ascending\",",
  "  expand: { phone_numbers: { fields: [\"quality_rating\"], pages: \"first\" } }",
  "})",
  "export const b = ClientAccounts.stream(\"1234567890\", { fields: [\"permitted_tasks\"] })",
  "export const c = WhatsAppBusinessAccount.get(\"1234567890\", { fields: [\"status\"], expand: { phone_numbers: {} } })",
  "export const d = ManagedAccounts.all([\"1234567890\"], { fields: [\"name\"], filtering: Filter.ownershipType.in(\"SELF\") })",
  "const GraphLive = GraphClient.layer.pipe(",
  "  Layer.provide(RateGovernor.layer()),",
  "  Layer.provide(RateGovernorStore.layerMemory),",
  "  Layer.provide(GraphConfig.layerConfig()),",
  "  Layer.provide(FetchHttpClient.layer)",
  ")",
  "export const e = Effect.runPromise(program.pipe(Effect.provide(GraphLive)))"
].join("\n")

const fence = (file: string, code: string): DocFences.Fence => ({
  file,
  line: 0,
  lang: "ts",
  flags: [],
  code: [...imports, code].join("\n"),
  prelude: undefined
})

const fileOf = (mistake: Mistake) => `type-errors/${mistake.replace(/\W+/g, "-")}.ts`

let problems: ReadonlyArray<Snippets.Problem> = []

beforeAll(() => {
  problems = Snippets.typeCheck([
    ...Object.entries(mistakes).map(([mistake, code]) => fence(fileOf(mistake as Mistake), code)),
    fence("type-errors/valid.ts", valid)
  ])
}, 180_000)

// The one message of a program, at its last statement.
const messageOf = (mistake: Mistake) => {
  const found = problems.filter((problem) => problem.file === fileOf(mistake))
  expect(found.map((problem) => problem.line), `the problems of "${mistake}"`).toHaveLength(1)
  expect(found[0]!.line).toBeGreaterThan(imports.length)
  return found[0]!.message
}

// What the compiler printed before the library's types said it in words.
const unreadable = [/'_tag' is missing/, /not assignable to type 'undefined'/, /GraphEdge</, /GraphNode</, /FieldName</]

const expectWords = (mistake: Mistake, words: string) => {
  const message = messageOf(mistake)
  expect(message).toContain(words)
  for (const pattern of unreadable) expect(message).not.toMatch(pattern)
}

describe("type errors in words", () => {
  it("valid programs compile, the checks notwithstanding", () => {
    expect(Snippets.format(problems.filter((problem) => problem.file === "type-errors/valid.ts"))).toBe("")
  })

  it("a filter of another edge is named, alone or in a list", () => {
    expectWords("a filter of another edge", "\"quality_rating is not a filter of OwnedAccounts\"")
    expectWords("a filter of another edge, in a list", "\"quality_rating is not a filter of OwnedAccounts\"")
    expectWords("a filter of another edge, in a fan-out", "\"status is not a filter of OwnedAccounts\"")
  })

  it("a sort on an edge that documents none says so", () => {
    expectWords(
      "a sort on an edge that has none",
      "\"sort is not an option of ClientAccounts: Graph documents no order for it\""
    )
  })

  it("a field that is not there is named with what it is not a field of", () => {
    expectWords(
      "a field the edge's items do not have",
      "'\"nmae\"' is not assignable to type '\"nmae is not a field of OwnedAccounts\"'"
    )
    expectWords("a field the node does not have", "\"display_phone_number is not a field of WhatsAppBusinessAccount\"")
    expectWords("a field of an expanded edge", "\"quailty is not a field of PhoneNumbers\"")
    expectWords("an edge that cannot be expanded", "\"message_templates cannot be expanded in OwnedAccounts\"")
    expectWords("a field in a fan-out", "\"permitted_tasks is not a field of OwnedAccounts\"")
  })

  it("a governor without its store says what to provide", () => {
    expectWords(
      "a governor without its store",
      "'\"a RateGovernorStore: provide RateGovernorStore.layerMemory (one process) or RedisGovernorStore.layer (shared)\"'" +
        " is not assignable to type 'never'"
    )
  })
})
