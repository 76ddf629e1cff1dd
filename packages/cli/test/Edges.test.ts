/**
 * The CLI's other reads, run as a user would against a loopback emulator: the client edge, both edges of
 * several businesses merged (and what happens when one of them fails), a WhatsApp Business Account's phone
 * numbers with filters, and one account with its numbers expanded. Every refused command line sends nothing.
 */
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { jsonLines, requireBuild, runCli } from "./utils/runCli.js"

const token = "EAAedges-token-0123456789"
const oneBusinessToken = "EAAedges-one-business-0123456789"

// Two businesses that share accounts with each other; one account with several pages of phone numbers.
const businesses = [
  { accounts: 40, clientAccounts: 9, manyPhoneNumbers: { 3: 7 } },
  { accounts: 30, clientAccounts: 6 }
]

let emu: RunningEmulator
let first: string
let second: string

const cli = (args: ReadonlyArray<string>, accessToken = token) =>
  runCli(args, { GRAPH_BASE_URL: emu.url, GRAPH_ACCESS_TOKEN: accessToken })

beforeAll(async () => {
  requireBuild()
  emu = await startEmulator({ seed: 11, businesses, token })
  ;[first, second] = emu.businessIds as [string, string]
}, 60_000)

afterAll(async () => {
  await emu?.stop()
})

describe("waba accounts --edge client", () => {
  it("lists the accounts shared with the business, with the tasks each grants", async () => {
    emu.resetRequests()
    const result = await cli(["accounts", first, "--edge", "client", "--fields", "name", "--format", "jsonl"])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe("")
    const oracle = emu.clientAccounts(first)
    expect(oracle.length).toBeGreaterThan(0)
    expect(jsonLines(result.stdout)).toEqual(
      oracle.map((a) => ({ id: a.id, name: a.name, permitted_tasks: [...a.permitted_tasks] }))
    )
    const paths = new Set(emu.requests().map((r) => r.path))
    expect([...paths]).toEqual([expect.stringMatching(new RegExp(`/${first}/client_whatsapp_business_accounts$`))])
  })

  it("pushes ownership_type down to Graph as the edge documents it", async () => {
    emu.resetRequests()
    const result = await cli([
      "accounts",
      first,
      "--edge",
      "client",
      "--fields",
      "ownership_type",
      "--filter",
      "ownership_type=CLIENT_OWNED",
      "--format",
      "jsonl"
    ])
    expect(result.code).toBe(0)
    const expected = emu.clientAccounts(first).filter((a) => a.ownership_type === "CLIENT_OWNED").map((a) => a.id)
    expect(expected.length).toBeGreaterThan(0)
    expect(expected.length).toBeLessThan(emu.clientAccounts(first).length)
    expect(jsonLines(result.stdout).map((a) => a.id)).toEqual(expected)
    expect(emu.requests()[0]!.query.filtering).toBe(
      JSON.stringify([{ field: "ownership_type", operator: "IN", value: ["CLIENT_OWNED"] }])
    )
  })
})

describe("waba accounts with several businesses and --edge all", () => {
  it("with --sources, lists every account once, saying every business and edge it came from", async () => {
    const result = await cli(["accounts", first, second, "--edge", "all", "--sources", "--format", "jsonl"])
    expect(result.code).toBe(0)
    const rows = jsonLines(result.stdout)
    const ids = rows.map((row) => row.id)
    expect(new Set(ids).size).toBe(ids.length)
    const expected = new Map<string, Set<string>>()
    for (const business of [first, second]) {
      for (const a of emu.accounts(business)) {
        expected.set(a.id, (expected.get(a.id) ?? new Set()).add(`${business} owned`))
      }
      for (const a of emu.clientAccounts(business)) {
        expected.set(a.id, (expected.get(a.id) ?? new Set()).add(`${business} client`))
      }
    }
    expect(new Set(ids)).toEqual(new Set(expected.keys()))
    for (const row of rows) {
      const sources = (row.sources as Array<{ business_id: string; edge: string }>).map((s) =>
        `${s.business_id} ${s.edge}`
      )
      expect(new Set(sources)).toEqual(expected.get(row.id as string))
    }
  })

  it("a business the token cannot read is reported, the others are still listed, and the exit code says so", async () => {
    const limited = await startEmulator({
      seed: 11,
      businesses,
      token,
      tokens: [{ token: oneBusinessToken, businesses: [first] }]
    })
    try {
      const result = await runCli(
        ["accounts", first, second, "--edge", "owned", "--format", "jsonl"],
        { GRAPH_BASE_URL: limited.url, GRAPH_ACCESS_TOKEN: oneBusinessToken }
      )
      expect(result.code).not.toBe(0)
      expect(jsonLines(result.stdout).map((a) => a.id).sort()).toEqual(limited.accounts(first).map((a) => a.id).sort())
      expect(result.stderr).toContain(second)
      expect(result.stderr).not.toContain(oneBusinessToken)
    } finally {
      await limited.stop()
    }
  })
})

describe("command lines refused before any request", () => {
  const cases: ReadonlyArray<readonly [string, () => ReadonlyArray<string>, string]> = [
    ["a cursor with several reads", () => ["accounts", first, "--edge", "all", "--after", "QVFI"], "--after"],
    ["a sort on the client edge", () => ["accounts", first, "--edge", "client", "--sort", "asc"], "--sort"],
    ["a phone number field that does not exist", () => ["phone-numbers", "1", "--fields", "nmae"], "nmae"],
    [
      "a filter on a phone number field Graph cannot filter",
      () => ["phone-numbers", "1", "--filter", "name=x"],
      "name"
    ],
    [
      "an ordering operator on an enum",
      () => ["phone-numbers", "1", "--filter", "quality_rating>GREEN"],
      "quality_rating"
    ],
    ["an account field that does not exist", () => ["account", "1", "--fields", "colour"], "colour"]
  ]
  for (const [name, args, mentions] of cases) {
    it(name, async () => {
      emu.resetRequests()
      const result = await cli(args())
      expect(result.code).toBe(2)
      expect(result.stdout).toBe("")
      expect(result.stderr).toContain(mentions)
      expect(emu.requests()).toHaveLength(0)
    })
  }

  it("a bad phone-number filter shows the phone-number syntax, not the accounts'", async () => {
    const result = await cli(["phone-numbers", "1", "--filter", "quality_rating>GREEN"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Accepted --filter syntax for phone numbers")
    expect(result.stderr).toContain("quality_rating=GREEN,YELLOW")
    expect(result.stderr).not.toContain("creation_time")
  })
})

describe("waba phone-numbers", () => {
  // The first account with more than one page of numbers at the page size used below.
  const accountWithNumbers = () => {
    const account = emu.accounts(first).find((a) => emu.phoneNumbers(a.id).length > 3)
    if (account === undefined) throw new Error("the data set has no account with more than 3 phone numbers")
    return account.id
  }
  // Lists as JSON lines, with the request log cleared first so each test sees only its own requests.
  const listPhoneNumbers = (waba: string, args: ReadonlyArray<string>) => {
    emu.resetRequests()
    return cli(["phone-numbers", waba, ...args, "--format", "jsonl"])
  }

  it("lists every number of an account across pages", async () => {
    const waba = accountWithNumbers()
    const result = await listPhoneNumbers(waba, ["--fields", "display_phone_number,quality_rating", "--limit", "2"])
    expect(result.code).toBe(0)
    const oracle = emu.phoneNumbers(waba)
    expect(jsonLines(result.stdout)).toEqual(
      oracle.map((p) => ({ id: p.id, display_phone_number: p.display_phone_number, quality_rating: p.quality_rating }))
    )
    expect(emu.requests()).toHaveLength(Math.ceil(oracle.length / 2))
  })

  it("filters by quality rating and status, sending only what the edge documents", async () => {
    const waba = accountWithNumbers()
    const result = await listPhoneNumbers(waba, [
      "--fields",
      "quality_rating,status,account_mode",
      "--filter",
      "quality_rating=GREEN,YELLOW",
      "--filter",
      "status!=BANNED",
      "--filter",
      "account_mode=LIVE"
    ])
    expect(result.code).toBe(0)
    const expected = emu.phoneNumbers(waba).filter((p) =>
      (p.quality_rating === "GREEN" || p.quality_rating === "YELLOW") && p.status !== "BANNED" &&
      p.account_mode === "LIVE"
    )
    expect(expected.length).toBeGreaterThan(0)
    expect(expected.length).toBeLessThan(emu.phoneNumbers(waba).length)
    expect(jsonLines(result.stdout).map((p) => p.id)).toEqual(expected.map((p) => p.id))
    // Only account_mode EQUAL is documented among these; the others are checked on the decoded numbers.
    const sent = JSON.parse(String(emu.requests()[0]!.query.filtering)) as Array<{ field: string }>
    expect(sent.map((clause) => clause.field)).toEqual(["account_mode"])
  })
})

describe("waba account", () => {
  it("reads one account with all of its phone numbers expanded", async () => {
    const account = emu.accounts(first).find((a) => emu.phoneNumbers(a.id).length > 0)!
    const result = await cli([
      "account",
      account.id,
      "--fields",
      "name",
      "--expand",
      "phone_numbers",
      "--format",
      "json"
    ])
    expect(result.code).toBe(0)
    const read = JSON.parse(result.stdout) as Record<string, unknown>
    const rows = Array.isArray(read) ? read as Array<Record<string, unknown>> : [read]
    expect(rows).toHaveLength(1)
    expect(rows[0]!.id).toBe(account.id)
    expect(rows[0]!.name).toBe(account.name)
    const phones = rows[0]!.phone_numbers as Array<{ id: string }>
    expect(phones.map((p) => p.id)).toEqual(emu.phoneNumbers(account.id).map((p) => p.id))
  })
})
