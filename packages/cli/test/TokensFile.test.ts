/**
 * `--tokens FILE` as `waba accounts` reads it: CSV with or without a header, JSON lines, and every way a file
 * can be wrong — each refused naming the line, and none echoing a token or a secret.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as TokensFile from "../src/TokensFile.js"
import { UsageError } from "../src/UsageError.js"

const tokenA = "EAAtokens-file-token-of-a-1f2e"
const tokenB = "EAAtokens-file-token-of-b-9c8d"
const secretB = "tokens-file-secret-of-b-77aa"
const secrets = [tokenA, tokenB, secretB]

const plain = (entries: ReadonlyArray<TokensFile.Entry>) =>
  entries.map(({ appSecret, businessId, line, token }) => ({
    businessId,
    token: Redacted.value(token),
    appSecret: appSecret === undefined ? undefined : Redacted.value(appSecret),
    line
  }))

const parsed = (text: string) => {
  const result = TokensFile.parse(text, "--tokens t.csv")
  if (!Array.isArray(result)) throw new Error(`refused: ${result.message}`)
  return plain(result)
}

const refused = (text: string) => {
  const result = TokensFile.parse(text, "--tokens t.csv")
  if (Array.isArray(result)) throw new Error("accepted")
  const words = `${result.message} ${result.hint ?? ""}`
  for (const secret of secrets) expect(words).not.toContain(secret)
  return result.message
}

const expected = [
  { businessId: "111", token: tokenA, appSecret: undefined, line: 1 },
  { businessId: "222", token: tokenB, appSecret: secretB, line: 2 }
]

describe("TokensFile.parse", () => {
  it("reads CSV lines business_id,token[,app_secret]", () => {
    expect(parsed(`111,${tokenA}\n222,${tokenB},${secretB}\n`)).toEqual(expected)
  })

  it("reads a header row, in any column order, with CRLF line ends, blank lines and quoted fields", () => {
    const text = `token,business_id,app_secret\r\n"${tokenA}",111,\r\n\r\n${tokenB} , "222", ${secretB}\r\n`
    expect(parsed(text)).toEqual([
      { ...expected[0], line: 2 },
      { ...expected[1], line: 4 }
    ])
  })

  it("reads JSON lines, app_secret optional", () => {
    const text = `{"business_id": "111", "token": "${tokenA}"}\n` +
      `{"business_id": "222", "token": "${tokenB}", "app_secret": "${secretB}"}\n`
    expect(parsed(text)).toEqual(expected)
  })

  it("a business given twice with the same credentials counts once", () => {
    expect(parsed(`111,${tokenA}\n111,${tokenA}\n`)).toEqual([expected[0]])
  })

  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ["an empty file", "\n\n", "holds no business"],
    ["a header and nothing else", "business_id,token\n", "header row but no business"],
    ["a header with an unknown column", "business_id,token,colour\n111,x,y\n", "line 1: the header row"],
    ["a line with one field", `111,${tokenA}\n222\n`, "line 2: expected 2 or 3 comma-separated fields, found 1"],
    ["a line with four fields", `111,${tokenA},${secretB},more\n`, "line 1: expected 2 or 3"],
    ["an id that is not digits", `111,${tokenA}\nabc,${tokenB}\n`, "line 2: business_id must be digits only"],
    ["an empty token", `111,\n`, "line 1: the token is empty"],
    ["a token with a space inside", `111,"EAA ${tokenA}"\n`, "line 1: the token holds whitespace"],
    ["an open quote", `111,"${tokenA}\n`, "line 1: a double quote is left open or stray"],
    [
      "a business again with another token",
      `111,${tokenA}\n222,${tokenB}\n111,${tokenB}\n`,
      "line 3: business 111 is given again with other credentials (first on line 1)"
    ],
    [
      "a business again with another app secret",
      `222,${tokenB}\n222,${tokenB},${secretB}\n`,
      "line 2: business 222 is given again"
    ],
    [
      "a JSON line that is not JSON",
      `{"business_id": "111", "token": "${tokenA}"\n`,
      "line 1: this line is not valid JSON"
    ],
    [
      "a JSON line that is not an object",
      `{"business_id": "111", "token": "${tokenA}"}\n["${tokenB}"]\n`,
      "line 2: this line is not a JSON object"
    ],
    [
      "a JSON id that is a number",
      `{"business_id": 111, "token": "${tokenA}"}\n`,
      "line 1: business_id must be given, as a string"
    ],
    ["a JSON line without a token", `{"business_id": "111"}\n`, "line 1: the token is empty"],
    [
      "a JSON key that is not known",
      `{"business_id": "111", "${tokenA}": "x", "token": "y"}\n`,
      "line 1: a key other than"
    ]
  ]
  for (const [name, text, message] of cases) {
    it(`refuses ${name}, naming the line and never the secret`, () => {
      expect(refused(text)).toContain(message)
    })
  }
})

describe("TokensFile.read", () => {
  it.effect("a missing file is refused without a stack or an errno dump", () =>
    Effect.gen(function*() {
      const path = Path.join(Os.tmpdir(), `waba-no-such-tokens-${process.pid}.csv`)
      const error = yield* Effect.flip(TokensFile.read(path))
      expect(error).toBeInstanceOf(UsageError)
      expect(error.message).toBe(`--tokens ${path} cannot be read: there is no such file.`)
    }))

  it.effect("reads a file and refuses a bad line in it by number", () =>
    Effect.gen(function*() {
      const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "waba-tokens-"))
      const good = Path.join(directory, "good.csv")
      Fs.writeFileSync(good, `business_id,token\n111,${tokenA}\n`)
      expect(plain(yield* TokensFile.read(good))).toEqual([{ ...expected[0], line: 2 }])
      const bad = Path.join(directory, "bad.csv")
      Fs.writeFileSync(bad, `111,${tokenA}\n2x2,${tokenB}\n`)
      const error = yield* Effect.flip(TokensFile.read(bad))
      expect(error.message).toBe(`--tokens ${bad}, line 2: business_id must be digits only.`)
      const directoryError = yield* Effect.flip(TokensFile.read(directory))
      expect(directoryError.message).toContain("it is a directory")
      Fs.rmSync(directory, { recursive: true })
    }))
})
