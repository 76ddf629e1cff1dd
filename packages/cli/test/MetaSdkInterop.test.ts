/**
 * Interoperability with a client none of us wrote: Meta's own Node SDK (`facebook-nodejs-business-sdk`)
 * pages the owned edge, the client edge and each account's phone numbers from a `waba emulator` process,
 * and `waba accounts … --edge all --expand phone_numbers` and `waba phone-numbers` must list the same
 * accounts, each once, with exactly the phone numbers the SDK saw.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Business, FacebookAdsApi, WhatsAppBusinessAccount } from "facebook-nodejs-business-sdk"
import { type ChildProcess, spawn } from "node:child_process"
import { bin, jsonLines, requireBuild, runCli } from "./utils/runCli.js"

// The SDK's Cursor type, as its typings return it.
type Cursor = Awaited<ReturnType<Business["getOwnedWhatsAppBusinessAccounts"]>>

interface EmulatorInfo {
  readonly url: string
  readonly token: string
  readonly businessIds: ReadonlyArray<string>
}

let child: ChildProcess
let info: EmulatorInfo
const original = Object.getOwnPropertyDescriptor(FacebookAdsApi, "GRAPH")!

// Every item of a cursor and the ones after it, as the SDK pages them (following `paging.next`).
const drain = async (first: Cursor): Promise<Array<Record<string, unknown>>> => {
  let cursor = first
  const items: Array<Record<string, unknown>> = cursor.map((item: any) => ({ ...item._data }))
  while (cursor.hasNext()) {
    cursor = await cursor.next()
    items.push(...cursor.map((item: any) => ({ ...item._data })))
  }
  return items
}

const sdkPhoneNumbers = async (wabaId: string) =>
  (await drain(
    await new WhatsAppBusinessAccount(wabaId).getPhoneNumbers(["id", "display_phone_number"], { limit: 25 }) as Cursor
  )).map((phone) => String(phone["id"]))

beforeAll(async () => {
  requireBuild()
  child = spawn(process.execPath, [bin, "emulator", "--seed", "interop"], {
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  const line = await new Promise<string>((resolve, reject) => {
    child.on("close", () => reject(new Error(`waba emulator exited early: ${stdout}`)))
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      if (stdout.includes("\n")) resolve(stdout.slice(0, stdout.indexOf("\n")))
    })
  })
  info = JSON.parse(line) as EmulatorInfo
  // The SDK builds first-page URLs from the static getter `FacebookAdsApi.GRAPH`; point it at the emulator
  // (later pages follow `paging.next`, which points there already). crash_log = false keeps the SDK from
  // installing a process-wide handler that reports to Meta.
  Object.defineProperty(FacebookAdsApi, "GRAPH", { configurable: true, get: () => info.url })
  FacebookAdsApi.init(info.token, "en_US", false)
}, 60_000)

afterAll(() => {
  Object.defineProperty(FacebookAdsApi, "GRAPH", original)
  child?.kill("SIGTERM")
})

const cli = (args: ReadonlyArray<string>) => runCli(args, { GRAPH_BASE_URL: info.url, GRAPH_ACCESS_TOKEN: info.token })

describe("Meta's Node SDK and waba read the same accounts and phone numbers from waba emulator", () => {
  it("both edges of the first demo business, merged, with every phone number", async () => {
    const business = new Business(info.businessIds[0]!)
    const owned = await drain(await business.getOwnedWhatsAppBusinessAccounts(["id", "name"], { limit: 40 }) as Cursor)
    const shared = await drain(
      await business.getClientWhatsAppBusinessAccounts(["id", "name"], { limit: 40 }) as Cursor
    )
    // The demo business has accounts on both edges, and at least one with more than a page of numbers.
    expect(owned.length).toBeGreaterThan(0)
    expect(shared.length).toBeGreaterThan(0)
    const sdkIds = new Set([...owned, ...shared].map((account) => String(account["id"])))

    const result = await cli([
      "accounts",
      info.businessIds[0]!,
      "--edge",
      "all",
      "--expand",
      "phone_numbers",
      "--sources",
      "--format",
      "jsonl"
    ])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const rows = jsonLines(result.stdout)
    const ids = rows.map((row) => String(row["id"]))
    expect(ids.length).toBe(new Set(ids).size) // each account once
    expect(new Set(ids)).toEqual(sdkIds)

    // Where each account came from agrees with the edge the SDK found it on.
    const ownedIds = new Set(owned.map((account) => String(account["id"])))
    const sharedIds = new Set(shared.map((account) => String(account["id"])))
    for (const row of rows) {
      const edges = (row["sources"] as ReadonlyArray<{ edge: string }>).map((source) => source.edge).sort()
      const expected = [
        ...(ownedIds.has(String(row["id"])) ? ["owned"] : []),
        ...(sharedIds.has(String(row["id"])) ? ["client"] : [])
      ].sort()
      expect(edges).toEqual(expected)
    }

    // Phone numbers: exactly those the SDK pages from /{waba-id}/phone_numbers, for every account.
    let paged = 0
    for (const row of rows) {
      const sdk = await sdkPhoneNumbers(String(row["id"]))
      if (sdk.length > 25) paged++
      const ours = (row["phone_numbers"] as ReadonlyArray<{ id: string }>).map((phone) => phone.id)
      expect(ours.sort()).toEqual([...sdk].sort())
    }
    expect(paged).toBeGreaterThan(0)
  }, 120_000)

  it("waba phone-numbers lists what the SDK pages, in the same order", async () => {
    const business = new Business(info.businessIds[0]!)
    const owned = await drain(await business.getOwnedWhatsAppBusinessAccounts(["id"], { limit: 100 }) as Cursor)
    // The account with the most numbers, so that both clients page.
    let best = { id: "", count: -1 }
    for (const account of owned.slice(0, 20)) {
      const count = (await sdkPhoneNumbers(String(account["id"]))).length
      if (count > best.count) best = { id: String(account["id"]), count }
    }
    const sdk = await sdkPhoneNumbers(best.id)
    expect(sdk.length).toBeGreaterThan(25)
    const result = await cli(["phone-numbers", best.id, "--format", "jsonl", "--limit", "30"])
    expect(result.code).toBe(0)
    expect(jsonLines(result.stdout).map((row) => row["id"])).toEqual(sdk)
  }, 120_000)
})
