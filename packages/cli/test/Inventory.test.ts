/**
 * The inventory commands, `Commands.main` in-process against the emulator's HTTP server on loopback: `waba
 * sync` into a SQLite file (and a PostgreSQL database when PG_URL is set), read back offline by `waba
 * inventory …` and `waba changes`; `waba webhooks serve` taking Meta's handshake and deliveries (re-reading
 * accounts at the emulator when given a token, applying what events carry when not); bad input
 * refused before a request is sent or a store is touched. One case runs the built bundle, whose SQLite
 * driver is loaded from outside it.
 */
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Commands from "../src/Commands.js"
import * as Progress from "../src/Progress.js"
import { pgUrl, postgresDb, sqliteDb, temporaryFolder } from "./utils/databases.js"
import { memoryOutput } from "./utils/output.js"
import { jsonLines, requireBuild, runCli } from "./utils/runCli.js"

const token = "EAA-inventory-cli-token-71c0"
const expiredToken = "EAA-inventory-cli-expired-2b9d"
const appSecret = "inventory-cli-app-secret-5e3a"
const verifyToken = "inventory-cli-verify-9f14"
const dbPassword = "inventory-cli-db-password-0a6c"

let emu: RunningEmulator
let owned: string // 30 accounts of its own; shares with `sharing`
let sharing: string // 12 accounts

beforeAll(async () => {
  emu = await startEmulator({
    seed: 11,
    businesses: [30, 12],
    token,
    tokens: [{ token: expiredToken, expiresAt: 0 }],
    // The webhooks it builds are signed with it, and re-reads' appsecret_proof are checked against it.
    appSecret
  })
  ;[owned, sharing] = emu.businessIds as [string, string]
})

afterAll(async () => {
  await emu?.stop()
})

const graph = () => new Map([["GRAPH_ACCESS_TOKEN", token], ["GRAPH_BASE_URL", emu.url]])

/** `waba …` in-process, off a terminal, with exactly `env` as its environment. */
const waba = (args: ReadonlyArray<string>, env: ReadonlyMap<string, string> = new Map()) => {
  const output = memoryOutput()
  const layer = Progress.layer.pipe(Layer.provideMerge(output.layer), Layer.merge(NodeContext.layer))
  return Commands.main(["node", "waba", ...args]).pipe(
    Effect.provide(layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env))),
    Effect.map((code) => ({ code, stdout: output.stdout(), stderr: output.stderr() }))
  )
}

/** Every account the emulator's businesses own or are shared, with the numbers of each: what a sync keeps. */
const oracle = () => {
  const accounts = new Map<string, { readonly name: string | undefined; readonly numbers: Array<string> }>()
  for (const business of emu.businessIds) {
    const ids = [...emu.accounts(business).map((a) => a.id), ...emu.clientAccounts(business).map((a) => a.id)]
    for (const id of ids) {
      accounts.set(id, { name: emu.account(id)?.name, numbers: emu.phoneNumbers(id).map((n) => n.id) })
    }
  }
  return accounts
}

const sorted = (ids: Iterable<string>) => [...ids].sort()

const runRow = (stdout: string) => JSON.parse(stdout)[0] as Record<string, unknown>

// The same sync, then the offline reads, on any store.
const syncAndRead = (db: string) =>
  Effect.gen(function*() {
    emu.resetRequests()
    const first = yield* waba(["sync", owned, sharing, "--db", db, "--format", "json"], graph())
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toBe("")
    const run = runRow(first.stdout)
    const expected = oracle()
    expect(run).toMatchObject({ status: "completed", businesses: 2, businesses_done: 2, businesses_failed: 0 })
    expect(run.accounts_written).toBe(expected.size)
    expect(Number(run.changes)).toBeGreaterThan(0)
    expect(emu.requests().length).toBeGreaterThan(0)

    // Offline: no request, no token.
    emu.resetRequests()
    const listed = yield* waba(["inventory", "accounts", "--db", db, "--format", "jsonl"])
    expect(listed.code, listed.stderr).toBe(0)
    const rows = jsonLines(listed.stdout)
    expect(sorted(rows.map((row) => String(row.id)))).toEqual(sorted(expected.keys()))
    for (const row of rows) expect(row.name).toBe(expected.get(String(row.id))!.name)
    // An account the first business's clients share with it is seen by both businesses.
    const shared = emu.clientAccounts(owned)[0]
    if (shared !== undefined) {
      const row = rows.find((candidate) => candidate.id === shared.id)!
      expect(row.sources).toContainEqual(expect.objectContaining({ business_id: owned, edge: "client" }))
    }
    const numbers = yield* waba(["inventory", "phone-numbers", "--db", db, "--format", "jsonl"])
    expect(numbers.code, numbers.stderr).toBe(0)
    expect(sorted(jsonLines(numbers.stdout).map((row) => String(row.id)))).toEqual(
      sorted([...expected.values()].flatMap((account) => account.numbers))
    )
    expect(emu.requests()).toEqual([])

    // Nothing changed at Graph: nothing written, nothing recorded.
    const second = yield* waba(["sync", owned, sharing, "--db", db, "--format", "json"], graph())
    expect(second.code, second.stderr).toBe(0)
    expect(runRow(second.stdout)).toMatchObject({
      run_id: Number(run.run_id) + 1,
      status: "completed",
      accounts_written: 0,
      phone_numbers_written: 0,
      changes: 0
    })
    return { run, expected }
  })

describe("waba sync, then the store read offline", () => {
  it.live("into a SQLite file: the accounts and numbers Graph has, and a second sync records nothing", () =>
    Effect.gen(function*() {
      const db = yield* sqliteDb
      const { expected, run } = yield* syncAndRead(db)

      // Every change of the first run, and only those: one account `added` per account.
      const changes = yield* waba(["changes", "--db", db, "--since", String(run.run_id), "--format", "jsonl"])
      expect(changes.code, changes.stderr).toBe(0)
      const recorded = jsonLines(changes.stdout)
      expect(recorded).toHaveLength(Number(run.changes))
      expect(recorded.every((change) => change.run_id === run.run_id)).toBe(true)
      expect(
        sorted(recorded.filter((c) => c.entity === "account" && c.kind === "added").map((c) => String(c.entity_id)))
      )
        .toEqual(sorted(expected.keys()))

      // An account deleted at Graph: the next sync records its removal, and the default listing drops it.
      const gone = emu.accounts(sharing)[0]!
      emu.deleteAccounts(sharing, [gone.id])
      const third = yield* waba(["sync", owned, sharing, "--db", db, "--format", "json"], graph())
      expect(third.code, third.stderr).toBe(0)
      const after = yield* waba([
        "changes",
        "--db",
        db,
        "--since",
        String(runRow(third.stdout).run_id),
        "--format",
        "jsonl"
      ])
      expect(jsonLines(after.stdout)).toContainEqual(
        expect.objectContaining({ entity: "account", entity_id: gone.id, kind: "removed" })
      )
      const current = yield* waba(["inventory", "accounts", "--db", db, "--format", "jsonl"])
      expect(jsonLines(current.stdout).map((row) => row.id)).not.toContain(gone.id)
      const all = yield* waba(["inventory", "accounts", "--db", db, "--format", "jsonl", "--include-removed"])
      expect(jsonLines(all.stdout).find((row) => row.id === gone.id)?.removed_at).toEqual(expect.any(String))
      // --after resumes after a change: nothing is written twice.
      const last = recorded.at(-1)!.id
      const resumed = yield* waba(["changes", "--db", db, "--after", String(last), "--format", "jsonl"])
      expect(jsonLines(resumed.stdout).map((change) => change.id)).toEqual(
        jsonLines(after.stdout).map((change) => change.id)
      )
    }).pipe(Effect.scoped))

  it.live("the filters of the offline reads keep what they say, by business, account and --filter", () =>
    Effect.gen(function*() {
      const db = yield* sqliteDb
      expect((yield* waba(["sync", owned, sharing, "--db", db], graph())).code).toBe(0)
      const ofSharing = yield* waba(["inventory", "accounts", "--db", db, "--business", sharing, "--format", "jsonl"])
      expect(sorted(jsonLines(ofSharing.stdout).map((row) => String(row.id)))).toEqual(
        sorted([...emu.accounts(sharing), ...emu.clientAccounts(sharing)].map((a) => a.id))
      )
      const account = emu.accounts(owned).find((a) => emu.phoneNumbers(a.id).length > 0)!
      const numbers = emu.phoneNumbers(account.id)
      const rated = numbers[0]!.quality_rating!
      const filtered = yield* waba([
        "inventory",
        "phone-numbers",
        "--db",
        db,
        "--account",
        account.id,
        "--filter",
        `quality_rating=${rated}`,
        "--format",
        "jsonl"
      ])
      expect(filtered.code, filtered.stderr).toBe(0)
      expect(jsonLines(filtered.stdout).map((row) => row.id)).toEqual(
        numbers.filter((n) => n.quality_rating === rated).map((n) => n.id)
      )
      const table = yield* waba(["inventory", "phone-numbers", "--db", db, "--account", account.id])
      expect(table.stdout.trimEnd().split("\n").at(-1)).toBe(
        `${numbers.length} phone number${numbers.length === 1 ? "" : "s"}`
      )
    }).pipe(Effect.scoped))

  it.live("a business whose token fails: the run is partial, exit 3, and the others are kept", () =>
    Effect.gen(function*() {
      const folder = yield* temporaryFolder
      const tokens = Path.join(folder, "tokens.csv")
      Fs.writeFileSync(tokens, `${owned},${token}\n${sharing},${expiredToken}\n`)
      const db = `sqlite:${Path.join(folder, "waba.db")}`
      const result = yield* waba(
        ["sync", "--tokens", tokens, "--db", db, "--format", "jsonl"],
        new Map([[
          "GRAPH_BASE_URL",
          emu.url
        ]])
      )
      expect(result.code).toBe(3)
      expect(jsonLines(result.stdout)[0]).toMatchObject({ status: "partial", businesses_done: 1, businesses_failed: 1 })
      expect(result.stderr).toMatch(/^waba: error: Sync run 1 is partial: 1 of 2 businesses could not be read/)
      expect(result.stderr).toContain(`business ${sharing} (owned edge): GraphAuthError`)
      expect(result.stderr).not.toContain(expiredToken)
      const kept = yield* waba(["inventory", "accounts", "--db", db, "--business", owned, "--format", "jsonl"])
      expect(jsonLines(kept.stdout).length).toBe(emu.accounts(owned).length + emu.clientAccounts(owned).length)
    }).pipe(Effect.scoped))

  it.live.skipIf(pgUrl === undefined)(
    "into PostgreSQL: the same accounts, and a second sync records nothing",
    () =>
      Effect.gen(function*() {
        const db = yield* postgresDb
        yield* syncAndRead(db)
      }).pipe(Effect.scoped)
  )

  it.live("the bundled CLI syncs into SQLite with the driver installed beside it", () =>
    Effect.gen(function*() {
      requireBuild()
      const db = yield* sqliteDb
      const env = { GRAPH_ACCESS_TOKEN: token, GRAPH_BASE_URL: emu.url }
      const synced = yield* Effect.promise(() => runCli(["sync", owned, "--db", db, "--format", "jsonl"], env))
      expect(synced.code, synced.stderr).toBe(0)
      expect(jsonLines(synced.stdout)[0]).toMatchObject({ status: "completed", businesses_done: 1 })
      const listed = yield* Effect.promise(() => runCli(["inventory", "accounts", "--db", db, "--format", "jsonl"]))
      expect(listed.code, listed.stderr).toBe(0)
      expect(jsonLines(listed.stdout)).toHaveLength(emu.accounts(owned).length + emu.clientAccounts(owned).length)
    }).pipe(Effect.scoped))
})

describe("waba changes --follow", () => {
  it.live("writes the changes recorded while it runs, and says where to continue when stopped", () =>
    Effect.gen(function*() {
      const db = yield* sqliteDb
      expect((yield* waba(["sync", owned, sharing, "--db", db], graph())).code).toBe(0)
      const last = jsonLines((yield* waba(["changes", "--db", db, "--format", "jsonl"])).stdout).at(-1)!.id

      const output = memoryOutput()
      const layer = Progress.layer.pipe(Layer.provideMerge(output.layer), Layer.merge(NodeContext.layer))
      const following = yield* Commands.main(
        ["node", "waba", "changes", "--db", db, "--after", String(last), "--follow", "--format", "jsonl"]
      ).pipe(Effect.provide(layer), Effect.fork)

      const gone = emu.accounts(owned).at(-1)!
      emu.deleteAccounts(owned, [gone.id])
      expect((yield* waba(["sync", owned, sharing, "--db", db], graph())).code).toBe(0)
      yield* Effect.sync(() => output.stdout()).pipe(
        Effect.repeat({
          schedule: Schedule.spaced("50 millis"),
          until: (text) => text.includes(`"entity_id":"${gone.id}","account_id":"${gone.id}"`)
        }),
        Effect.timeout("20 seconds")
      )
      yield* Fiber.interrupt(following)
      const written = jsonLines(output.stdout())
      expect(written.every((change) => Number(change.id) > Number(last))).toBe(true)
      expect(written).toContainEqual(
        expect.objectContaining({ entity: "account", entity_id: gone.id, kind: "removed" })
      )
      expect(output.stderr()).toContain(
        `waba: interrupted after ${written.length} changes. To continue where this stopped, run the same command ` +
          `with: --after ${written.at(-1)!.id}`
      )
    }).pipe(Effect.scoped))
})

describe("bad input: refused before a request or a store", () => {
  it.live("a --db of another kind, an unreadable tokens file, a bad --since, a bad port, a missing secret", () =>
    Effect.gen(function*() {
      const folder = yield* temporaryFolder
      const file = Path.join(folder, "waba.db")
      const db = `sqlite:${file}`
      emu.resetRequests()
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp, Map<string, string>?]> = [
        [["sync", owned, "--db", `mysql://waba:${dbPassword}@db.internal/waba`], /--db mysql: is not a database/],
        [
          ["sync", "--db", db, "--tokens", Path.join(folder, "missing.csv")],
          /--tokens .* cannot be read: there is no such file/
        ],
        [["sync", owned, "--db", `sqlite:${Path.join(folder, "no-folder", "waba.db")}`], /cannot be opened/],
        [["sync", owned, "--db", db, "--concurrency", "0"], /--concurrency must be a whole number from 1 to 64/],
        [["sync", owned, "12ab", "--db", db], /business id/i],
        [["sync", "--db", db], /Name the businesses to sync/],
        [["changes", "--db", db, "--since", "last tuesday"], /--since takes a sync run id or a time/],
        [["changes", "--db", db, "--since", "1", "--after", "4"], /--since and --after both/],
        [["changes", "--db", db, "--follow"], /--follow writes each change as it is recorded/],
        [["inventory", "accounts", "--db", db], /no such file/],
        [
          ["inventory", "phone-numbers", "--db", db, "--filter", "quality_rating>GREEN"],
          /--filter "quality_rating>GREEN"/
        ],
        [["webhooks", "serve", "--db", db, "--port", "70000", "--verify-token", verifyToken], /--port must be from 0/],
        [
          ["webhooks", "serve", "--db", db, "--port", "0", "--verify-token", verifyToken],
          /Set GRAPH_APP_SECRET/,
          new Map()
        ],
        [
          ["webhooks", "serve", "--db", db, "--port", "0"],
          /Give the verify token/,
          new Map([["GRAPH_APP_SECRET", appSecret]])
        ],
        [
          ["webhooks", "serve", "--db", db, "--port", "0", "--verify-token", verifyToken, "--tokens", folder],
          /--tokens .* cannot be read/,
          new Map([["GRAPH_APP_SECRET", appSecret]])
        ],
        [
          ["webhooks", "serve", "--db", db, "--port", "0", "--verify-token", verifyToken],
          /A base URL \(.*\) was given, but no access token/,
          new Map([["GRAPH_APP_SECRET", appSecret], ["GRAPH_BASE_URL", emu.url]])
        ]
      ]
      for (const [args, message, env] of cases) {
        const result = yield* waba(args, env ?? graph())
        expect(result.code, args.join(" ")).toBe(2)
        expect(result.stderr, args.join(" ")).toMatch(message)
        expect(result.stderr).not.toContain(dbPassword)
        expect(result.stdout).toBe("")
      }
      expect(emu.requests()).toEqual([])
      expect(Fs.existsSync(file)).toBe(false)
    }).pipe(Effect.scoped))

  it.live("an unreachable PostgreSQL fails before any request, without its password", () =>
    Effect.gen(function*() {
      emu.resetRequests()
      const result = yield* waba(["sync", owned, "--db", `postgres://waba:${dbPassword}@127.0.0.1:1/waba`], graph())
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(
        /^waba: error: The inventory's store \(postgres:\/\/waba:<redacted>@127\.0\.0\.1:1\/waba\)/
      )
      expect(result.stderr).not.toContain(dbPassword)
      expect(emu.requests()).toEqual([])
    }))
})

describe("waba webhooks serve", () => {
  const sign = (body: string, secret = appSecret) =>
    `sha256=${Crypto.createHmac("sha256", secret).update(body).digest("hex")}`

  /** `waba webhooks serve` forked, once it says where it listens. */
  const serve = (
    args: ReadonlyArray<string>,
    env: ReadonlyMap<string, string>,
    options?: { readonly stderrIsTTY?: boolean }
  ) =>
    Effect.gen(function*() {
      const output = memoryOutput(options)
      const layer = Progress.layer.pipe(Layer.provideMerge(output.layer), Layer.merge(NodeContext.layer))
      const fiber = yield* Commands.main(["node", "waba", "webhooks", "serve", "--port", "0", ...args]).pipe(
        Effect.provide(layer),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env))),
        Effect.fork
      )
      yield* Effect.sync(() => output.stdout()).pipe(
        Effect.repeat({ schedule: Schedule.spaced("20 millis"), until: (text) => text.endsWith("\n") }),
        Effect.timeout("10 seconds")
      )
      const { url } = JSON.parse(output.stdout()) as { url: string }
      const post = (delivery: { readonly body: string; readonly headers: Record<string, string> }) =>
        Effect.promise(() => fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body }))
          .pipe(Effect.map((response) => response.status))
      return { fiber, output, post }
    })

  /**
   * A number of an account `db` holds, renamed at the emulator (an approved name: the webhook carries it)
   * after its quality rating moved (no webhook: only a re-read finds it), with the delivery the emulator
   * built for the name.
   */
  const renamed = (db: string, index: number) =>
    Effect.gen(function*() {
      const stored = jsonLines((yield* waba(["inventory", "phone-numbers", "--db", db, "--format", "jsonl"])).stdout)
      const row = stored.filter((candidate) => candidate.quality_rating !== "RED")[index]!
      const id = String(row.id)
      const rating = row.quality_rating === "YELLOW" ? "GREEN" : "YELLOW"
      const name = `Harbour Kitchen ${index}`
      yield* Effect.promise(() => emu.change({ kind: "qualityRating", phoneNumberId: id, rating }))
      const applied = yield* Effect.promise(() =>
        emu.change({ kind: "phoneNumberName", phoneNumberId: id, name, decision: "APPROVED" })
      )
      expect(applied.webhook?.envelope.entry[0]?.changes[0]?.field).toBe("phone_number_name_update")
      const number = () =>
        Effect.map(
          waba(["inventory", "phone-numbers", "--db", db, "--format", "jsonl"]),
          (listed) => jsonLines(listed.stdout).find((candidate) => candidate.id === id)!
        )
      return { id, before: row, rating, name, delivery: applied.webhook!, number }
    })

  it.live("with a tokens file, re-reads the account an event does not carry the new state of", () =>
    Effect.gen(function*() {
      const db = yield* sqliteDb
      expect((yield* waba(["sync", owned, "--db", db], graph())).code).toBe(0)
      const folder = yield* temporaryFolder
      const tokensFile = Path.join(folder, "tokens.csv")
      yield* Effect.sync(() => Fs.writeFileSync(tokensFile, `business_id,token\n${owned},${token}\n`))
      const { before, delivery, name, number, rating } = yield* renamed(db, 0)

      const { fiber, output, post } = yield* serve(
        ["--db", db, "--verify-token", verifyToken, "--tokens", tokensFile],
        new Map([["GRAPH_APP_SECRET", appSecret], ["GRAPH_BASE_URL", emu.url]])
      )
      emu.resetRequests()
      expect(yield* post(delivery)).toBe(200)
      // Read at the emulator, with the business's token: the name, and the rating no event told of.
      const after = yield* number()
      expect(after).toMatchObject({ verified_name: name, quality_rating: rating, name_status: "APPROVED" })
      expect(after.quality_rating).not.toBe(before.quality_rating)
      const account = delivery.envelope.entry[0]!.id
      expect(emu.requests().filter((request) => request.path.endsWith(`/${account}`))).toHaveLength(1)

      yield* Fiber.interrupt(fiber)
      for (const text of [output.stdout(), output.stderr()]) {
        for (const secret of [token, appSecret, verifyToken]) expect(text).not.toContain(secret)
      }
    }).pipe(Effect.scoped))

  it.live("with GRAPH_ACCESS_TOKEN, an account_update has the account re-read", () =>
    Effect.gen(function*() {
      const db = yield* sqliteDb
      expect((yield* waba(["sync", owned, "--db", db], graph())).code).toBe(0)
      const stored = jsonLines((yield* waba(["inventory", "accounts", "--db", db, "--format", "jsonl"])).stdout)
      const account = stored.find((row) => row.status !== "DISABLED")!
      const applied = yield* Effect.promise(() =>
        emu.change({ kind: "accountStatus", accountId: String(account.id), status: "DISABLED" })
      )
      expect(applied.webhook?.envelope.entry[0]?.changes[0]?.field).toBe("account_update")

      const { fiber, output, post } = yield* serve(
        ["--db", db, "--verify-token", verifyToken],
        new Map([...graph(), ["GRAPH_APP_SECRET", appSecret]]),
        { stderrIsTTY: true }
      )
      expect(output.stderr()).toContain(`re-read from ${emu.url}`)
      expect(yield* post(applied.webhook!)).toBe(200)
      const listed = jsonLines((yield* waba(["inventory", "accounts", "--db", db, "--format", "jsonl"])).stdout)
      expect(listed.find((row) => row.id === account.id)?.status).toBe("DISABLED")
      const recorded = jsonLines((yield* waba(["changes", "--db", db, "--format", "jsonl"])).stdout)
      expect(recorded).toContainEqual(expect.objectContaining({
        source: "webhook",
        entity: "account",
        entity_id: account.id,
        field: "status",
        old_value: account.status,
        new_value: "DISABLED"
      }))
      yield* Fiber.interrupt(fiber)
      expect(output.stderr()).not.toContain(token)
    }).pipe(Effect.scoped))

  it.live("without credentials, applies what the event carries only, and says so on a terminal", () =>
    Effect.gen(function*() {
      const db = yield* sqliteDb
      expect((yield* waba(["sync", owned, "--db", db], graph())).code).toBe(0)
      const { before, delivery, name, number } = yield* renamed(db, 1)

      const { fiber, output, post } = yield* serve(
        ["--db", db, "--verify-token", verifyToken],
        new Map([["GRAPH_APP_SECRET", appSecret]]),
        { stderrIsTTY: true }
      )
      expect(output.stderr()).toMatch(/no access token .* accounts are not re-read/)
      emu.resetRequests()
      expect(yield* post(delivery)).toBe(200)
      const after = yield* number()
      expect(after.verified_name).toBe(name)
      expect(after.quality_rating).toBe(before.quality_rating)
      expect(emu.requests()).toEqual([])
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.scoped))

  it.live("answers the handshake for its verify token only, applies signed deliveries, and refuses unsigned ones", () =>
    Effect.gen(function*() {
      const db = yield* sqliteDb
      expect((yield* waba(["sync", owned, "--db", db], graph())).code).toBe(0)
      const account = jsonLines((yield* waba(["inventory", "accounts", "--db", db, "--format", "jsonl"])).stdout)
        .find((row) => row.account_review_status !== "REJECTED")!
      const before = jsonLines((yield* waba(["changes", "--db", db, "--format", "jsonl"])).stdout).at(-1)!.id

      const output = memoryOutput()
      const layer = Progress.layer.pipe(Layer.provideMerge(output.layer), Layer.merge(NodeContext.layer))
      const server = yield* Commands.main([
        "node",
        "waba",
        "webhooks",
        "serve",
        "--db",
        db,
        "--port",
        "0",
        "--verify-token",
        verifyToken
      ]).pipe(
        Effect.provide(layer),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["GRAPH_APP_SECRET", appSecret]]))),
        Effect.fork
      )
      // The line that says where it listens comes once it does.
      yield* Effect.sync(() => output.stdout()).pipe(
        Effect.repeat({ schedule: Schedule.spaced("20 millis"), until: (text) => text.endsWith("\n") }),
        Effect.timeout("10 seconds")
      )
      const ready = output.stdout()
      const { db: shown, url } = JSON.parse(ready) as { url: string; db: string }
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      expect(shown).toBe(db)

      const handshake = (given: string) =>
        Effect.promise(() =>
          fetch(`${url}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${given}`).then(async (r) => ({
            status: r.status,
            body: await r.text()
          }))
        )
      expect(yield* handshake(verifyToken)).toEqual({ status: 200, body: "1158201444" })
      expect((yield* handshake("not-the-token")).status).toBe(403)

      const body = JSON.stringify({
        object: "whatsapp_business_account",
        entry: [{
          id: account.id,
          time: 1_760_000_000,
          changes: [{ field: "account_review_update", value: { decision: "REJECTED" } }]
        }]
      })
      const post = (headers: Record<string, string>, text = body) =>
        Effect.promise(() =>
          fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: text })
            .then((r) => r.status)
        )
      expect(yield* post({})).toBe(401)
      expect(yield* post({ "x-hub-signature-256": sign(body, "another-secret") })).toBe(401)
      const recorded = () => waba(["changes", "--db", db, "--after", String(before), "--format", "jsonl"])
      expect((yield* recorded()).stdout).toBe("")

      expect(yield* post({ "x-hub-signature-256": sign(body) })).toBe(200)
      const applied = jsonLines((yield* recorded()).stdout)
      expect(applied).toEqual([
        expect.objectContaining({
          source: "webhook",
          entity: "webhook",
          field: "account_review_update",
          kind: "event"
        }),
        expect.objectContaining({
          entity: "account",
          entity_id: account.id,
          field: "account_review_status",
          kind: "changed",
          old_value: account.account_review_status,
          new_value: "REJECTED"
        })
      ])
      // Meta sends a delivery again when it is unsure: applied once.
      expect(yield* post({ "x-hub-signature-256": sign(body) })).toBe(200)
      expect(jsonLines((yield* recorded()).stdout)).toHaveLength(2)
      const listed = jsonLines((yield* waba(["inventory", "accounts", "--db", db, "--format", "jsonl"])).stdout)
      expect(listed.find((row) => row.id === account.id)?.account_review_status).toBe("REJECTED")

      yield* Fiber.interrupt(server)
      expect(output.stdout()).not.toContain(appSecret)
      expect(output.stderr()).not.toContain(appSecret)
      expect(output.stderr()).not.toContain(verifyToken)
    }).pipe(Effect.scoped))
})
