/**
 * `waba tokens check`, in-process against the emulator's `debug_token` on loopback and in demo mode: a row per
 * business saying whether its token will do, the exit code a script can act on, and no token in any output.
 */
import * as Dataset from "@effect-waba/emulator/Dataset"
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Commands from "../src/Commands.js"
import * as Progress from "../src/Progress.js"
import { memoryOutput } from "./utils/output.js"
import { jsonLines, parseCsv } from "./utils/runCli.js"

const token = "EAA-tokens-check-main-token-41ab"
const good = "EAA-tokens-check-good-token-52bc"
const expired = "EAA-tokens-check-expired-token-63cd"
const scopeless = "EAA-tokens-check-scopeless-token-74de"
const expiring = "EAA-tokens-check-expiring-token-85ef"
const secrets = [token, good, expired, scopeless, expiring]

const businesses = Dataset.make({ seed: 41, businesses: [3, 4, 5, 6] }).businesses.map((business) => business.id)
const [a, b, c, d] = businesses as [string, string, string, string]
let emu: RunningEmulator

beforeAll(async () => {
  emu = await startEmulator({
    seed: 41,
    businesses: [3, 4, 5, 6],
    token,
    rateLimit: false,
    tokens: [
      { token: good, businesses: [a] },
      { token: expired, businesses: [b], expiresAt: 0 },
      { token: scopeless, businesses: [c], scopes: ["business_management"] },
      { token: expiring, businesses: [d], expiresAt: Date.now() + 2 * 24 * 3600 * 1000 }
    ]
  })
}, 60_000)

afterAll(async () => {
  await emu?.stop()
})

const tokensFile = (lines: ReadonlyArray<readonly [string, string]>) => {
  const path = Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "waba-check-")), "tokens.csv")
  Fs.writeFileSync(path, lines.map(([id, secret]) => `${id},${secret}\n`).join(""))
  return path
}

const run = (args: ReadonlyArray<string>, env: Record<string, string> = { GRAPH_BASE_URL: emu.url }) => {
  const output = memoryOutput()
  return Commands.main(["node", "waba", "tokens", "check", ...args]).pipe(
    Effect.provide(Progress.layer.pipe(Layer.provideMerge(output.layer), Layer.merge(NodeContext.layer))),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
    Effect.map((code) => {
      for (const secret of secrets) {
        expect(output.stdout() + output.stderr()).not.toContain(secret)
      }
      return { code, stdout: output.stdout(), stderr: output.stderr() }
    })
  )
}

describe("waba tokens check", () => {
  it.live("one row per business: valid, expired (reauthorize), missing a scope, expiring; exit 3", () =>
    Effect.gen(function*() {
      const file = tokensFile([[a, good], [b, expired], [c, scopeless], [d, expiring]])
      const result = yield* run(["--tokens", file, "--format", "jsonl"])
      expect(result.code).toBe(3)
      const rows = jsonLines(result.stdout)
      expect(rows.map((row) => [row.business_id, row.status, row.reauthorize])).toEqual([
        [a, "valid", false],
        [b, "invalid", true],
        [c, "missing_scope", false],
        [d, "expiring", false]
      ])
      expect(rows[0]!.expires_at).toBe("never")
      expect(new Set(rows[0]!.waba_ids as Array<string>)).toEqual(
        new Set([...emu.accounts(a), ...emu.clientAccounts(a)].map((account) => account.id))
      )
      expect(rows[1]!.problem).toBe(
        "The access token has expired. Only the business can mend it: it must authorise the app again."
      )
      expect(rows[2]!.missing_scopes).toEqual(["whatsapp_business_management"])
      expect(rows[3]!.expires_at).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/))
      expect(result.stderr).toContain(`waba: 1 token expires within 7d: business ${d}.`)
      expect(result.stderr).toContain("waba: error: 2 of 4 tokens will not do.")
      expect(result.stderr).toContain(`Businesses: ${b}, ${c}`)
    }))

  it.live("good and expiring tokens only: exit 0; csv has every column", () =>
    Effect.gen(function*() {
      const result = yield* run(["--tokens", tokensFile([[a, good], [d, expiring]]), "--format", "csv"])
      expect(result.code).toBe(0)
      const records = parseCsv(result.stdout)
      expect(records[0]).toEqual([
        "business_id",
        "status",
        "reauthorize",
        "expires_at",
        "missing_scopes",
        "waba_ids",
        "scopes",
        "problem"
      ])
      expect(records.slice(1).map((record) => record[1])).toEqual(["valid", "expiring"])
      const none = yield* run(["--tokens", tokensFile([[a, good]]), "--expiring-within", "0"])
      expect(none.code).toBe(0)
      expect(none.stderr).toBe("")
    }))

  it.live("a token granted other businesses only is not good for this one", () =>
    Effect.gen(function*() {
      const result = yield* run(["--tokens", tokensFile([[b, good]]), "--format", "jsonl"])
      expect(result.code).toBe(3)
      expect(jsonLines(result.stdout)[0]).toMatchObject({ business_id: b, status: "not_granted" })
    }))

  it.live("the demo checks the emulator's own tokens, and says so", () =>
    Effect.gen(function*() {
      const result = yield* run(["--format", "jsonl"], {})
      expect(result.code).toBe(3)
      expect(result.stderr).toMatch(/^waba: no access token and no --tokens file, so this is a demo/)
      expect(jsonLines(result.stdout).map((row) => row.status)).toEqual(["valid", "not_granted", "invalid"])
    }))

  it.live("a token but no file is a usage error; so is a bad file; nothing is sent", () =>
    Effect.gen(function*() {
      emu.resetRequests()
      const noFile = yield* run([], { GRAPH_BASE_URL: emu.url, GRAPH_ACCESS_TOKEN: token })
      expect(noFile.code).toBe(2)
      expect(noFile.stderr).toContain("Name the tokens to check: waba tokens check --tokens FILE.")
      const bad = yield* run(["--tokens", tokensFile([[a, good], ["x1", expired]])])
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain("line 2: business_id must be digits only.")
      expect(emu.requests()).toEqual([])
    }))

  it.live("a bad value is refused naming the option and this command's help", () =>
    Effect.gen(function*() {
      const result = yield* run(["--expiring-within", "lots"])
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(
        "waba: error: --expiring-within takes a whole number; got \"lots\".\n" +
          "  What to do: waba tokens check --help lists the options.\n"
      )
    }))
})
