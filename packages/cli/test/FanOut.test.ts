/**
 * `waba accounts` over several businesses, run in-process (`Commands.main`) against the emulator on
 * loopback: accounts written as they arrive (asserted by the order of events, not by time), each once with
 * where it was first found, a failed business said as it fails while the others are listed, and an
 * interrupted run resumed from the businesses done without reading them again.
 */
import * as Dataset from "@effect-waba/emulator/Dataset"
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Commands from "../src/Commands.js"
import { type Channel, Output } from "../src/Output.js"
import * as Progress from "../src/Progress.js"
import { jsonLines, parseCsv } from "./utils/runCli.js"

const token = "EAA-fanout-test-token-0d1c"
const limitedToken = "EAA-fanout-limited-token-5e6f"

let emu: RunningEmulator
let ids: ReadonlyArray<string>

beforeAll(async () => {
  // 30 businesses that share accounts with each other (the client edge), one page each at 100 a page.
  emu = await startEmulator({
    seed: 31,
    businesses: Array.from({ length: 30 }, (_, i) => ({ accounts: 3 + (i % 4), clientAccounts: 2 })),
    token,
    rateLimit: false,
    tokens: [{ token: limitedToken, businesses: [] }]
  })
  ids = emu.businessIds
}, 60_000)

afterAll(async () => {
  await emu?.stop()
})

/** What stdout and stderr received, in order, and what the emulator had served at each write to stdout. */
const capture = (onWrite?: (text: string) => Effect.Effect<void>, tty = false) => {
  const written = { stdout: "", stderr: "" }
  const served: Array<number> = []
  const channel = (name: "stdout" | "stderr"): Channel => ({
    isTTY: tty && name === "stderr",
    colors: false,
    columns: () => tty && name === "stderr" ? 200 : undefined,
    unsafeWrite: (text) => {
      written[name] += text
    },
    write: (text) =>
      Effect.suspend(() => {
        written[name] += text
        if (name === "stdout") served.push(emu.requests().length)
        return name === "stdout" && onWrite !== undefined ? onWrite(text) : Effect.void
      })
  })
  const layer = Progress.layer.pipe(
    Layer.provideMerge(Layer.succeed(Output, { stdout: channel("stdout"), stderr: channel("stderr") })),
    Layer.merge(NodeContext.layer)
  )
  return { layer, written, served }
}

const run = (
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Record<string, string>
    readonly onWrite?: (text: string) => Effect.Effect<void>
    readonly tty?: boolean
  } = {}
) => {
  const output = capture(options.onWrite, options.tty)
  const env = new Map(Object.entries(options.env ?? { GRAPH_ACCESS_TOKEN: token, GRAPH_BASE_URL: emu.url }))
  const main = Commands.main(["node", "waba", ...args]).pipe(
    Effect.provide(output.layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(env))
  )
  return { main, output }
}

const everyAccount = (businesses: ReadonlyArray<string>) =>
  new Set(businesses.flatMap((id) => [...emu.accounts(id), ...emu.clientAccounts(id)].map((a) => a.id)))

const readsOf = (business: string) => emu.requests().filter((request) => request.path.includes(`/${business}/`))

const temporary = () => Fs.mkdtempSync(Path.join(Os.tmpdir(), "waba-fanout-"))

describe("waba accounts over several businesses", () => {
  it.live("writes the first account before the last business is read, and each account once", () =>
    Effect.gen(function*() {
      emu.resetRequests()
      const { main, output } = run(["accounts", ...ids, "--edge", "all", "--concurrency", "2", "--format", "jsonl"])
      expect(yield* main).toBe(0)
      const rows = jsonLines(output.written.stdout)
      const rowIds = rows.map((row) => row.id)
      expect(new Set(rowIds).size).toBe(rowIds.length)
      expect(new Set(rowIds)).toEqual(everyAccount(ids))
      // Every business's two edges, one page each.
      const total = emu.requests().length
      expect(total).toBe(ids.length * 2)
      // The first account went out while most businesses were still to be read.
      expect(output.served[0]).toBeLessThan(total)
      expect(output.served.length).toBeGreaterThan(1)
      expect(output.written.stderr).toBe("")
    }))

  it.live("--batch: the same accounts, each once, in batch requests of up to 50 reads", () =>
    Effect.gen(function*() {
      emu.resetRequests()
      const { main, output } = run(["accounts", ...ids, "--edge", "all", "--batch", "--format", "jsonl"])
      expect(yield* main).toBe(0)
      const rowIds = jsonLines(output.written.stdout).map((row) => row.id)
      expect(new Set(rowIds).size).toBe(rowIds.length)
      expect(new Set(rowIds)).toEqual(everyAccount(ids))
      const log = emu.requests()
      // Every read of every business was made, but inside batches: 60 reads in at most a few round trips.
      expect(log.filter((entry) => entry.method === "GET")).toHaveLength(ids.length * 2)
      const roundTrips = log.filter((entry) => entry.transport !== "batch")
      expect(roundTrips.every((entry) => entry.method === "POST")).toBe(true)
      expect(roundTrips.length).toBeLessThanOrEqual(Math.ceil((ids.length * 2) / 8))
      expect(output.written.stderr).toBe("")
    }))

  it.live("each row says where the account was first found; an account owned by one business comes once", () =>
    Effect.gen(function*() {
      const { main, output } = run([
        "accounts",
        ids[0]!,
        ids[1]!,
        "--edge",
        "all",
        "--fields",
        "name",
        "--format",
        "jsonl"
      ])
      expect(yield* main).toBe(0)
      for (const row of jsonLines(output.written.stdout)) {
        expect(Object.keys(row)).toEqual(["id", "name", "first_seen_on"])
        const seen = row.first_seen_on as { business_id: string; edge: "owned" | "client"; permitted_tasks?: unknown }
        const found = seen.edge === "owned" ? emu.accounts(seen.business_id) : emu.clientAccounts(seen.business_id)
        expect(found.map((a) => a.id)).toContain(row.id)
        if (seen.edge === "client") expect(seen.permitted_tasks).toEqual(expect.any(Array))
      }
    }))

  it.live("csv has its header first and a first_seen_on cell as JSON; a table sums up at the end", () =>
    Effect.gen(function*() {
      const csv = run(["accounts", ids[2]!, ids[3]!, "--fields", "name", "--format", "csv"])
      expect(yield* csv.main).toBe(0)
      const records = parseCsv(csv.output.written.stdout)
      expect(records[0]).toEqual(["id", "name", "first_seen_on"])
      expect(JSON.parse(records[1]![2]!)).toEqual({ business_id: ids[2], edge: "owned" })
      const table = run(["accounts", ids[2]!, ids[3]!, "--fields", "name"])
      expect(yield* table.main).toBe(0)
      const lines = table.output.written.stdout.trimEnd().split("\n")
      expect(lines[0]).toMatch(/^id +name +first_seen_on$/)
      expect(lines[2]).toMatch(new RegExp(`${ids[2]} owned$`))
      expect(lines.at(-1)).toBe(`${records.length - 1} accounts`)
    }))

  it.live("on a terminal, the progress line counts businesses done of the total, accounts, requests and holds", () =>
    Effect.gen(function*() {
      const { main, output } = run(["accounts", ...ids.slice(0, 4), "--format", "jsonl"], { tty: true })
      expect(yield* main).toBe(0)
      const drawn = output.written.stderr.split("\r\x1b[2K").filter((line) => line !== "")
      const accounts = ids.slice(0, 4).reduce((sum, id) => sum + emu.accounts(id).length, 0)
      expect(drawn[0]).toBe("waba: 0/4 businesses done, 0 accounts, 0 requests, 0 holds so far")
      expect(drawn.at(-1)).toBe(`waba: 4/4 businesses done, ${accounts} accounts, 4 requests, 0 holds so far`)
      expect(output.written.stderr.endsWith("\r\x1b[2K")).toBe(true)
    }))

  it.live("a business that cannot be read is said as it fails, with its id; the others are listed; exit not 0", () =>
    Effect.gen(function*() {
      // The limited token reads no business: every one fails, each said once per edge, none with the token.
      const denied = run(["accounts", ids[0]!, ids[1]!, "--format", "jsonl"], {
        env: { GRAPH_ACCESS_TOKEN: limitedToken, GRAPH_BASE_URL: emu.url }
      })
      expect(yield* denied.main).toBe(3)
      const lines = denied.output.written.stderr.trimEnd().split("\n")
      expect(lines.slice(0, 2).sort()).toEqual(
        [ids[0], ids[1]].map((id) =>
          expect.stringMatching(new RegExp(`^waba: business ${id} \\(owned edge\\) was not read: `))
        )
          .sort() as Array<string>
      )
      expect(lines[2]).toBe(
        "waba: 2 businesses of 2 could not be read (2 reads failed); the accounts of the others were listed."
      )
      expect(denied.output.written.stderr).not.toContain(limitedToken)
      expect(denied.output.written.stdout).toBe("")
    }))
})

describe("resuming a fan-out", () => {
  it.live("interrupted, it says how to resume; resumed, no business done is read again", () =>
    Effect.gen(function*() {
      const businesses = ids.slice(0, 6)
      const args = ["accounts", ...businesses, "--edge", "owned", "--concurrency", "1", "--format", "jsonl"]
      emu.resetRequests()
      // Stopped once the third business's accounts are being written: the first two are done.
      const third = yield* Deferred.make<void>()
      const first = run(args, {
        onWrite: (text) =>
          text.includes(`"business_id":"${businesses[2]}"`) ? Deferred.succeed(third, undefined) : Effect.void
      })
      const fiber = yield* Effect.fork(first.main)
      yield* Deferred.await(third)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      const said = first.output.written.stderr
      const advice = said.match(
        /^waba: interrupted after \d+ accounts\. (\d+) of 6 businesses are done; to read only the others, run the same command with: --done (\S+)$/m
      )
      expect(advice, said).not.toBeNull()
      const doneFile = advice![2]!
      const done = Fs.readFileSync(doneFile, "utf8").trim().split("\n")
      expect(done.slice(0, 2)).toEqual(businesses.slice(0, 2))
      expect(Number(advice![1])).toBe(done.length)

      emu.resetRequests()
      const again = run([...args, "--done", doneFile])
      expect(yield* again.main).toBe(0)
      for (const business of done) expect(readsOf(business)).toEqual([])
      const before = jsonLines(first.output.written.stdout).map((row) => row.id)
      const after = jsonLines(again.output.written.stdout).map((row) => row.id)
      expect(new Set([...before, ...after])).toEqual(
        new Set(businesses.flatMap((id) => emu.accounts(id).map((a) => a.id)))
      )
      // The file now lists every business.
      expect(new Set(Fs.readFileSync(doneFile, "utf8").trim().split("\n"))).toEqual(new Set(businesses))
      Fs.rmSync(doneFile)
    }))

  it.live("--done FILE is written as businesses finish, and a second run reads nothing", () =>
    Effect.gen(function*() {
      const directory = temporary()
      const doneFile = Path.join(directory, "done.txt")
      const businesses = ids.slice(6, 9)
      const args = ["accounts", ...businesses, "--format", "jsonl", "--done", doneFile]
      const first = run(args)
      expect(yield* first.main).toBe(0)
      expect(new Set(Fs.readFileSync(doneFile, "utf8").trim().split("\n"))).toEqual(new Set(businesses))
      emu.resetRequests()
      const second = run(args)
      expect(yield* second.main).toBe(0)
      expect(emu.requests()).toEqual([])
      expect(second.output.written.stdout).toBe("")
      Fs.rmSync(directory, { recursive: true })
    }))
})

describe("fan-out options refused before anything is sent", () => {
  const notIds = Path.join(temporary(), "done.txt")
  Fs.writeFileSync(notIds, "123\nnope\n")
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, string]> = [
    ["--concurrency 0", ["1", "2", "--concurrency", "0"], "--concurrency must be a whole number from 1 to 64; got 0."],
    ["--concurrency 65", ["1", "2", "--concurrency", "65"], "got 65"],
    ["--concurrency on one read", ["1", "--concurrency", "4"], "--concurrency applies to a read of several"],
    ["--sources on one read", ["1", "--sources"], "--sources applies to a read of several"],
    ["--batch on one read", ["1", "--batch"], "--batch applies to a read of several"],
    ["--done with --sources", ["1", "2", "--sources", "--done", "x.txt"], "nothing to resume from"],
    ["a --done file that is not ids", ["1", "2", "--done", notIds], `--done ${notIds}, line 2: not a business id.`]
  ]
  for (const [name, args, message] of cases) {
    it.live(name, () =>
      Effect.gen(function*() {
        emu.resetRequests()
        const refused = run(["accounts", ...args])
        expect(yield* refused.main).toBe(2)
        expect(refused.output.written.stderr).toContain(message)
        expect(refused.output.written.stdout).toBe("")
        expect(emu.requests()).toEqual([])
      }))
  }
})

describe("--tokens FILE: a token per business", () => {
  const tokenOf = (i: number) => `EAA-fanout-business-${i}-token-${"abcdef"[i]}9`
  const appSecret = "fanout-app-secret-3a4b"
  let own: RunningEmulator
  let businesses: ReadonlyArray<string>

  beforeAll(async () => {
    // Each token reads its own business only.
    businesses = Dataset.make({ seed: 32, businesses: [5, 6, 7] }).businesses.map((business) => business.id)
    own = await startEmulator({
      seed: 32,
      businesses: [5, 6, 7],
      token,
      appSecret,
      rateLimit: false,
      requireAppSecretProof: true,
      tokens: businesses.map((id, i) => ({ token: tokenOf(i), businesses: [id] }))
    })
  }, 60_000)

  afterAll(async () => {
    await own?.stop()
  })

  const file = (text: string) => {
    const path = Path.join(temporary(), "tokens.csv")
    Fs.writeFileSync(path, text)
    return path
  }
  const everything = (output: { readonly written: { readonly stdout: string; readonly stderr: string } }) =>
    output.written.stdout + output.written.stderr

  it.live("each business is read with its own token and secret; a wrong token fails that business only", () =>
    Effect.gen(function*() {
      const [a, b, c] = businesses as [string, string, string]
      // b is given a's token: the emulator refuses it for b.
      const tokens = file(
        `business_id,token,app_secret\n${a},${tokenOf(0)},${appSecret}\n${b},${tokenOf(0)},${appSecret}\n` +
          `${c},${tokenOf(2)},${appSecret}\n`
      )
      own.resetRequests()
      const { main, output } = run(["accounts", "--tokens", tokens, "--format", "jsonl"], {
        env: { GRAPH_BASE_URL: own.url }
      })
      expect(yield* main).toBe(3)
      const listed = jsonLines(output.written.stdout).map((row) => row.id)
      expect(new Set(listed)).toEqual(new Set([...own.accounts(a), ...own.accounts(c)].map((x) => x.id)))
      expect(output.written.stderr).toMatch(new RegExp(`^waba: business ${b} \\(owned edge\\) was not read: `, "m"))
      expect(output.written.stderr).not.toMatch(new RegExp(`business ${a} |business ${c} `))
      // Every request carried the token of the business it read, signed with appsecret_proof.
      const sent = own.requests()
      expect(sent.length).toBeGreaterThan(0)
      for (const request of sent) {
        const business = businesses.find((id) => request.path.includes(`/${id}/`))!
        const expected = business === c ? tokenOf(2) : tokenOf(0)
        expect(request.headers.authorization).toBe(`Bearer ${expected}`)
        expect(request.query.appsecret_proof).toEqual(expect.any(String))
      }
      for (const secret of [tokenOf(0), tokenOf(2), appSecret]) expect(everything(output)).not.toContain(secret)
    }))

  it.live("JSON lines; a business named on the command line but not in the file is refused before any request", () =>
    Effect.gen(function*() {
      const [a, b] = businesses as [string, string]
      const tokens = file(`{"business_id": "${a}", "token": "${tokenOf(0)}", "app_secret": "${appSecret}"}\n`)
      own.resetRequests()
      const refused = run(["accounts", a, b, "--tokens", tokens], { env: { GRAPH_BASE_URL: own.url } })
      expect(yield* refused.main).toBe(2)
      expect(refused.output.written.stderr).toContain(`--tokens ${tokens} has no token for business ${b}.`)
      expect(own.requests()).toEqual([])
      // With GRAPH_ACCESS_TOKEN, that token reads the businesses not in the file.
      const mixed = run(["accounts", a, b, "--tokens", tokens, "--format", "jsonl"], {
        env: { GRAPH_BASE_URL: own.url, GRAPH_ACCESS_TOKEN: token, GRAPH_APP_SECRET: appSecret }
      })
      expect(yield* mixed.main).toBe(0)
      expect(jsonLines(mixed.output.written.stdout)).toHaveLength(own.accounts(a).length + own.accounts(b).length)
      for (const request of own.requests()) {
        expect(request.headers.authorization).toBe(`Bearer ${request.path.includes(`/${a}/`) ? tokenOf(0) : token}`)
      }
    }))

  it.live("a bad file sends nothing and echoes no secret", () =>
    Effect.gen(function*() {
      const [a] = businesses as [string]
      const tokens = file(`${a},${tokenOf(0)},${appSecret}\n${a},${tokenOf(1)},${appSecret}\n`)
      own.resetRequests()
      const { main, output } = run(["accounts", "--tokens", tokens, "--verbose"], { env: { GRAPH_BASE_URL: own.url } })
      expect(yield* main).toBe(2)
      expect(output.written.stderr).toContain(`--tokens ${tokens}, line 2: business ${a} is given again`)
      expect(own.requests()).toEqual([])
      for (const secret of [tokenOf(0), tokenOf(1), appSecret]) expect(everything(output)).not.toContain(secret)
    }))
})
