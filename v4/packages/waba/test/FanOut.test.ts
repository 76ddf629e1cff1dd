/**
 * The fan-out's forms and bookkeeping on the Effect 4 line, against the emulator: every source of every
 * account (`sightings`, `all`), progress counted as the Effect 3 line counts it, resume by the businesses
 * done, phone numbers completed once per account however often it is seen, `failFast`, and bad options
 * refused before any request.
 */
import { ManagedAccounts } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { useEmulator, value } from "./fixture.js"

const { emulator, run } = useEmulator({
  businesses: Array.from(
    { length: 8 },
    (_, i) => ({ accounts: 3 + i * 5, clientAccounts: 4, manyPhoneNumbers: { 0: 25 } })
  ),
  rateLimit: false
})

const missing = "999999999999"

// Every "business edge" each account of the emulator is managed from, and the tasks of each client sighting.
const managedBy = (businessIds: ReadonlyArray<string>) => {
  const sources = new Map<string, Array<string>>()
  const tasks = new Map<string, ReadonlyArray<string> | undefined>()
  const add = (id: string, source: string) => sources.set(id, [...(sources.get(id) ?? []), source])
  for (const businessId of businessIds) {
    for (const account of emulator().accounts(businessId)) add(account.id, `${businessId} owned`)
    for (const account of emulator().clientAccounts(businessId)) {
      add(account.id, `${businessId} client`)
      tasks.set(`${account.id} ${businessId}`, account.permitted_tasks)
    }
  }
  return { sources, tasks }
}

const collect = async <A>(stream: Stream.Stream<A, unknown, any>) => value(await run(Stream.runCollect(stream)))

describe("ManagedAccounts forms (Effect 4)", () => {
  it("sightings: every (account, business, edge), the account's data first and once", async () => {
    const ids = emulator().businessIds
    const { sources } = managedBy(ids)
    expect([...sources.values()].some((list) => list.length > 1)).toBe(true)
    const results = await collect(ManagedAccounts.sightings(ids, { fields: ["name"], concurrency: 3 }))
    const seen = new Map<string, Array<string>>()
    for (const result of results) {
      if (result._tag !== "Account" && result._tag !== "SeenAgain") continue
      const [id, source] = result._tag === "Account"
        ? [result.account.id, result.firstSeenOn]
        : [result.accountId, result.seenOn]
      expect(seen.has(id)).toBe(result._tag === "SeenAgain")
      seen.set(id, [...(seen.get(id) ?? []), `${source.businessId} ${source.edge}`])
    }
    expect(new Map([...seen].map(([id, list]) => [id, [...list].sort()])))
      .toEqual(new Map([...sources].map(([id, list]) => [id, [...list].sort()])))
    // The plain stream emits the same accounts, each once, and no SeenAgain.
    const plain = await collect(ManagedAccounts.stream(ids, { fields: ["name"], concurrency: 3 }))
    expect(plain.some((result) => (result._tag as string) === "SeenAgain")).toBe(false)
    expect(plain.filter(ManagedAccounts.isAccount).map((a) => a.account.id).sort()).toEqual([...sources.keys()].sort())
  })

  it("all: each account with every source in a fixed order, the tasks a client edge permits on its source", async () => {
    const ids = [...emulator().businessIds].reverse()
    const { sources, tasks } = managedBy(ids)
    const { accounts, failures } = value(await run(ManagedAccounts.all(ids, { fields: ["name"], concurrency: 4 })))
    expect(failures).toEqual([])
    expect(accounts.map(({ account }) => account.id).sort()).toEqual([...sources.keys()].sort())
    const rank = (source: { readonly businessId: string; readonly edge: string }) =>
      ids.indexOf(source.businessId) * 2 + (source.edge === "owned" ? 0 : 1)
    for (const { account, sources: found } of accounts) {
      expect(account).not.toHaveProperty("permitted_tasks")
      expect(found.map((s) => `${s.businessId} ${s.edge}`).sort()).toEqual([...sources.get(account.id)!].sort())
      expect(found.map(rank)).toEqual([...found.map(rank)].sort((a, b) => a - b))
      for (const source of found) {
        if (source.edge === "client") {
          expect(source.permittedTasks).toEqual(tasks.get(`${account.id} ${source.businessId}`))
        } else expect(source).not.toHaveProperty("permittedTasks")
      }
    }
    // Accounts in the order of their first source.
    const firsts = accounts.map(({ sources }) => rank(sources[0]!))
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b))
  })

  it("progress: businesses done and failed of the total, accounts emitted, pages read; it only grows", async () => {
    emulator().resetRequests()
    const snapshots: Array<ManagedAccounts.Progress> = []
    const results = await collect(ManagedAccounts.stream([...emulator().businessIds.slice(0, 3), missing], {
      expand: { phone_numbers: { fields: ["display_phone_number"], limit: 10 } },
      concurrency: 2,
      onProgress: (progress) => Effect.sync(() => snapshots.push(progress))
    }))
    const pages = emulator().requests().filter((entry) => entry.status === 200).length
    expect(snapshots[0]).toEqual({ businesses: 4, businessesDone: 0, businessesFailed: 0, accounts: 0, pages: 0 })
    expect(snapshots[snapshots.length - 1]).toEqual({
      businesses: 4,
      businessesDone: 3,
      businessesFailed: 1,
      accounts: results.filter(ManagedAccounts.isAccount).length,
      pages
    })
    // The first business has an account with 25 numbers: its nested pages were counted too.
    expect(emulator().requests().some((entry) => entry.path.endsWith("/phone_numbers"))).toBe(true)
    for (const [i, snapshot] of snapshots.entries()) {
      for (const key of Object.keys(snapshot) as Array<keyof ManagedAccounts.Progress>) {
        expect(snapshot[key]).toBeGreaterThanOrEqual(snapshots[Math.max(0, i - 1)]![key])
      }
    }
    expect(results.filter((result) => result._tag === "Failure").map((f) => f._tag === "Failure" && f.businessId))
      .toEqual([missing, missing])
  })

  it("phone numbers are completed once per account, by the read that emits it, however often it is seen", async () => {
    const ids = emulator().businessIds
    emulator().resetRequests()
    const results = await collect(ManagedAccounts.sightings(ids, {
      fields: ["name"],
      expand: { phone_numbers: { fields: ["display_phone_number"], limit: 10 } },
      concurrency: 4
    }))
    const accounts = results.filter(ManagedAccounts.isAccount)
    for (const { account } of accounts) {
      expect(account.phone_numbers.map((number) => number.id)).toEqual(
        emulator().phoneNumbers(account.id).map((number) => number.id)
      )
    }
    const long = accounts.filter(({ account }) => account.phone_numbers.length > 10).map(({ account }) => account.id)
    expect(long.length).toBeGreaterThan(0)
    const nested = emulator().requests().filter((entry) => entry.path.endsWith("/phone_numbers"))
    // 25 numbers, 10 inside the account's page: the other 15 in one page of up to 100, read once.
    expect(nested.map((entry) => entry.businessId).sort()).toEqual([...long].sort())
  })

  it("resume: the businesses done are skipped, nothing of theirs is read again, nothing is lost", async () => {
    const ids = emulator().businessIds
    const { sources } = managedBy(ids)
    const options = { expand: { phone_numbers: { limit: 10 } }, concurrency: 2 } as const
    let finished = 0
    const first = await collect(
      ManagedAccounts.stream(ids, options).pipe(
        Stream.takeUntil((result) => result._tag === "BusinessDone" && ++finished === 3)
      )
    )
    const done = new Set(first.flatMap((result) => result._tag === "BusinessDone" ? [result.businessId] : []))
    expect(done.size).toBe(3)
    emulator().resetRequests()
    const snapshots: Array<ManagedAccounts.Progress> = []
    const second = await collect(ManagedAccounts.stream(ids, {
      ...options,
      done,
      onProgress: (progress) => Effect.sync(() => snapshots.push(progress))
    }))
    const open = ids.filter((id) => !done.has(id))
    const managedByOpen = (id: string) => sources.get(id)!.some((source) => open.includes(source.split(" ")[0]!))
    const log = emulator().requests()
    expect(log.filter((entry) => done.has(entry.businessId!))).toEqual([])
    expect(log.filter((entry) => entry.path.endsWith("/phone_numbers") && !managedByOpen(entry.businessId!)))
      .toEqual([])
    const again = second.filter(ManagedAccounts.isAccount).map((a) => a.account.id)
    expect([...again].sort()).toEqual([...sources.keys()].filter(managedByOpen).sort())
    const before = first.filter(ManagedAccounts.isAccount).map((a) => a.account.id)
    expect(new Set([...before, ...again])).toEqual(new Set(sources.keys()))
    expect(snapshots[0]).toMatchObject({ businesses: ids.length, businessesDone: 3 })
    expect(snapshots[snapshots.length - 1]).toMatchObject({ businessesDone: ids.length, businessesFailed: 0 })
  })

  it("failFast ends the read with the first failure; bad options are refused before any request", async () => {
    const failed = await run(Stream.runCollect(ManagedAccounts.stream([missing], { failFast: true })))
    expect(Exit.isFailure(failed) && String(failed.cause)).toMatch(/Graph\w+Error/)
    emulator().resetRequests()
    const business = emulator().businessIds[0]!
    const refusals = [
      ManagedAccounts.stream([business], { done: [111 as unknown as string] }),
      ManagedAccounts.stream([business], { done: business as unknown as Array<string> }),
      ManagedAccounts.sightings([business], { onProgress: 5 as unknown as () => Effect.Effect<void> }),
      ManagedAccounts.stream([business], { limit: 101 }),
      ManagedAccounts.stream([business], { expand: { phone_numbers: { fields: ["nope" as "id"] } } }),
      ManagedAccounts.stream([business], {
        filtering: { field: "name" as "creation_time", operator: "EQUAL", value: 1 } as never
      }),
      ManagedAccounts.stream([business, "12ab"]),
      ManagedAccounts.stream([business], { batch: "yes" as unknown as boolean })
    ]
    const parameters: Array<string> = []
    for (const read of refusals) {
      const error = value(await run(Effect.flip(Stream.runDrain(read))))
      parameters.push(error._tag === "InvalidRequestError" ? error.parameter : error._tag)
    }
    expect(parameters).toEqual([
      "done",
      "done",
      "onProgress",
      "limit",
      "expand.phone_numbers.fields",
      "filtering",
      "businessIds",
      "batch"
    ])
    expect(value(await run(Effect.flip(ManagedAccounts.all([]))))).toMatchObject({ parameter: "businessIds" })
    expect(emulator().requests()).toHaveLength(0)
  })
})
