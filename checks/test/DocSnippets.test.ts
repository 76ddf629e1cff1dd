/**
 * The documentation's code is code: every TypeScript snippet of README.md, docs/*.md and the packages'
 * READMEs compiles (strict, exactOptionalPropertyTypes, NodeNext, against the workspace packages), every
 * fence says what it holds, and every file the pages cite exists.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import * as DocFences from "../src/DocFences.js"
import * as DocLinks from "../src/DocLinks.js"
import * as Snippets from "../src/Snippets.js"

// Made-up pages that show the checker refusing what it must refuse. They are compiled in the same program
// as the real pages: one TypeScript program for every snippet keeps the check to a few seconds.
const sample = [
  "# A sample page",
  "",
  "```ts",
  "import { OwnedAccounts } from \"@effect-waba/waba\"",
  "const accounts = OwnedAccounts.all(\"1234567890\")",
  "```",
  "",
  "```ts",
  "const more = OwnedAccounts.all(\"1234567890\")",
  "```",
  "",
  "<!-- prelude",
  "import { OwnedAccounts } from \"@effect-waba/waba\"",
  "-->",
  "```ts partial",
  "const first = OwnedAccounts.stream(\"1234567890\", { limit: 10 })",
  "```",
  "",
  "```ts",
  "import { OwnedAccounts } from \"@effect-waba/waba\"",
  "const stream = OwnedAccounts.stream(\"1234567890\", { fields: [\"nope\"] }) // does not compile",
  "const fine = OwnedAccounts.stream(\"1234567890\", { fields: [\"name\"] }) // does not compile",
  "const optional: { readonly a?: number } = { a: undefined }",
  "```",
  "",
  "```ts partial",
  "const nothing = 1",
  "```",
  "",
  "```",
  "no language",
  "```",
  "",
  "```sh run-it",
  "waba --help",
  "```",
  "",
  "See [the guide](missing-guide.md) and `shared/graph-api/FACTS.md`.",
  "",
  "```ts effect-4",
  "import { Testing } from \"@effect-waba/emulator\"",
  "import * as FetchHttpClient from \"effect/http/FetchHttpClient\"",
  "const layers = [Testing.layer(), FetchHttpClient.layer]",
  "const missing = Testing.inProcess() // does not compile",
  "```",
  ""
].join("\n")

let problems: ReadonlyArray<Snippets.Problem> = []
const fences = DocFences.all()
const sampleFences = DocFences.parse("docs/sample.md", sample)

beforeAll(() => {
  problems = Snippets.typeCheck([...fences, ...sampleFences])
}, 180_000)

describe("the documentation", () => {
  it("holds TypeScript snippets to check", () => {
    const files = new Set(Snippets.typeScriptFences(fences).map((fence) => fence.file))
    expect([...files]).toEqual(expect.arrayContaining(["README.md", "docs/getting-started.md", "docs/waba.md"]))
  })

  it("every TypeScript snippet compiles", () => {
    const real = problems.filter((problem) => problem.file !== "docs/sample.md")
    expect(Snippets.format(real), "snippets that do not compile (file:line:column)").toBe("")
  })

  it("every fence says what it holds, with known flags", () => {
    expect(fences.flatMap(DocFences.infoProblems).join("\n")).toBe("")
  })

  it("every file it cites or links to is in the repository", () => {
    expect(DocLinks.broken().join("\n")).toBe("")
  })
})

describe("the snippet checker", () => {
  const at = (line: number) => problems.filter((problem) => problem.file === "docs/sample.md" && problem.line === line)

  it("accepts a complete snippet, and a partial one with its prelude", () => {
    expect(at(4)).toEqual([])
    expect(at(5)).toEqual([])
    expect(at(13)).toEqual([])
    expect(at(16)).toEqual([])
  })

  it("refuses an unmarked partial snippet, at its file and line, saying how to mark it", () => {
    const [problem] = at(9)
    expect(problem).toMatchObject({ file: "docs/sample.md", line: 9, column: 14 })
    expect(problem!.message).toContain("Cannot find name 'OwnedAccounts'")
    expect(problem!.message).toContain("mark its fence `ts partial`")
    expect(Snippets.format([problem!])).toMatch(/^docs\/sample\.md:9:14 TS2304: /)
  })

  it("compiles a fence marked effect-4 against the Effect 4 line: its modules, not the Effect 3 line's", () => {
    // effect/http exists in Effect 4 only, and Testing.inProcess in the Effect 3 line's emulator only.
    expect([41, 42, 43, 44].flatMap(at)).toEqual([])
  })

  it("requires a line documented as not compiling to fail, and checks the rest strictly", () => {
    expect(at(21)).toEqual([])
    expect(at(22).map((problem) => problem.message)).toEqual([
      "the documentation says this line does not compile, but it does"
    ])
    // exactOptionalPropertyTypes is on.
    expect(at(23).map((problem) => problem.message.slice(0, 7))).toEqual(["TS2375:"])
  })

  it("refuses fences without a language, with unknown flags, or marked partial without a prelude", () => {
    expect(sampleFences.flatMap(DocFences.infoProblems)).toEqual([
      expect.stringMatching(/^docs\/sample\.md:26: marked partial without a prelude/),
      expect.stringMatching(/^docs\/sample\.md:30: a fence without a language/),
      expect.stringMatching(
        /^docs\/sample\.md:34: unknown flag "run-it" on a sh fence \(known: no-run, install, effect-4\)/
      )
    ])
  })

  it("finds links and cited paths", () => {
    expect(DocLinks.references("docs/sample.md", sample)).toEqual([
      { file: "docs/sample.md", line: 38, target: "missing-guide.md", kind: "link" },
      { file: "docs/sample.md", line: 38, target: "shared/graph-api/FACTS.md", kind: "path" }
    ])
  })
})
