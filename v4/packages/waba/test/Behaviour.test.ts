/**
 * The shared behaviour tables (`checks/behaviour/scenarios.ts`) on the Effect 4 line: each scenario's read
 * mapped onto this line's public API, over `fetch` on loopback, and its result reported back as plain data
 * for the shared verdict. The Effect 3 line runs the same tables in `packages/waba/test/Behaviour.test.ts`.
 */
import { GraphClient, GraphConfig, GraphCredentials } from "@effect-waba/graph-core"
import {
  ClientAccounts,
  Filter,
  ManagedAccounts,
  OwnedAccounts,
  PhoneNumbers,
  WhatsAppBusinessAccount
} from "@effect-waba/waba"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Formatter from "effect/Formatter"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { run } from "../../../../checks/behaviour/harness.js"
import type { FilterClause, Line, Outcome, Read, Settings } from "../../../../checks/behaviour/model.js"
import { tables } from "../../../../checks/behaviour/scenarios.js"

type Item = Readonly<Record<string, unknown>>

const client = (settings: Settings) =>
  GraphClient.layer.pipe(
    Layer.provide(GraphConfig.layer(settings as GraphConfig.Options)),
    Layer.provide(FetchHttpClient.layer)
  )

const filter = (clauses: ReadonlyArray<FilterClause> | undefined) =>
  clauses?.map(({ args, builder, operator }) => (Filter as any)[builder][operator](...args))

const edges = { owned: OwnedAccounts, client: ClientAccounts, phoneNumbers: PhoneNumbers } as const

/** Runs the read, keeping what arrived before any failure; the fan-out's reports beside. */
const perform = (read: Read, items: Array<Item>, fanOut: NonNullable<Outcome["fanOut"]>) => {
  if ("edge" in read) {
    const options = { ...read.options, filtering: filter(read.options?.filtering) }
    const stream = (edges[read.edge].stream as any)(read.id, options) as Stream.Stream<Item, unknown, any>
    return (read.take === undefined ? stream : Stream.take(stream, read.take)).pipe(
      Stream.runForEach((item) => Effect.sync(() => items.push(item)))
    )
  }
  if ("node" in read) {
    return (WhatsAppBusinessAccount.get as any)(read.id, { fields: read.fields }).pipe(
      Effect.map((node: Item) => items.push(node))
    ) as Effect.Effect<unknown, unknown, any>
  }
  const stream = (ManagedAccounts.stream as any)(read.fanOut, {
    fields: read.fields,
    phoneNumbers: read.phoneNumbers,
    concurrency: read.concurrency
  }) as Stream.Stream<ManagedAccounts.Result<Item>, unknown, any>
  const reads = Stream.runForEach(stream, (result) =>
    Effect.sync(() => {
      if (result._tag === "Account") items.push(result.account)
      else if (result._tag === "BusinessDone") (fanOut.done as Array<string>).push(result.businessId)
      else {
        ;(fanOut.failures as Array<unknown>).push({
          businessId: result.businessId,
          edge: result.edge,
          tag: result.error._tag
        })
      }
    }))
  return read.tokens === undefined ? reads : Effect.provide(reads, GraphCredentials.layer(read.tokens))
}

/** An error's own fields, Durations as milliseconds and Options as their values. */
const plain = (error: object): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(error).map(([key, value]) =>
      Duration.isDuration(value)
        ? [`${key}Millis`, Duration.toMillis(value)]
        : Option.isOption(value)
        ? [key, Option.getOrUndefined(value)]
        : [key, value]
    )
  )

const line: Line = async (read, settings) => {
  const items: Array<Item> = []
  const fanOut = { failures: [], done: [] }
  const exit = await Effect.runPromiseExit(
    Effect.provide(
      perform(read, items, fanOut) as Effect.Effect<unknown, unknown, GraphClient.GraphClient>,
      client(settings)
    )
  )
  const seen = [JSON.stringify(items), JSON.stringify(fanOut), Formatter.format(items)]
  if (Exit.isSuccess(exit)) return { items, fanOut, renderings: seen.join("\n") }
  const failure = Cause.findErrorOption(exit.cause)
  if (Option.isNone(failure) || exit.cause.reasons.some((reason) => !Cause.isFailReason(reason))) {
    return { items, defect: Cause.pretty(exit.cause), renderings: "" }
  }
  const error = failure.value as { readonly _tag: string; readonly message: string }
  const renderings = [
    ...seen,
    String(error),
    error.message,
    JSON.stringify(error),
    Formatter.format(error),
    Cause.pretty(exit.cause)
  ]
  return {
    items,
    fanOut,
    error: { _tag: error._tag, message: error.message, fields: plain(error) },
    renderings: renderings.join("\n")
  }
}

/**
 * Scenarios this line fails today, with why. They run as `it.fails`: listed in every run, and red as soon as
 * the line is mended (then remove them here).
 */
const knownBugs: ReadonlyMap<string, string> = new Map([
  [
    "an account on two pages arrives once",
    "an edge read does not drop an account a later page repeats (no de-duplication by id within one read)"
  ],
  [
    "a null in the list of accounts is skipped",
    "a null element of `data` fails the whole page with GraphDecodeError (Expected object at [\"data\"][1]); " +
    "the Effect 3 line skips it"
  ],
  [
    "the fan-out reads each account once with its phone numbers; a business's failure is reported alone",
    "an account seen on two businesses at once has its further phone-number pages read twice " +
    "(two requests of /903/phone_numbers); the Effect 3 line completes it once"
  ],
  [
    "expansion of the first page only: each account's first number, and the cursor to the rest",
    "`pages: \"first\"` gives a bare list, without the cursor to the rest (`{ data, nextAfter }` on the Effect 3 line)"
  ]
])

describe("the shared behaviour (Effect 4)", () => {
  const names = Object.values(tables).flatMap((scenarios) => scenarios.map((scenario) => scenario.name))
  it("every known bug names a scenario", () => expect(names).toEqual(expect.arrayContaining([...knownBugs.keys()])))
  for (const [table, scenarios] of Object.entries(tables)) {
    describe(table, () => {
      for (const scenario of scenarios) {
        const bug = knownBugs.get(scenario.name)
        if (bug === undefined) it(scenario.name, () => run(scenario, line))
        else it.fails(`${scenario.name} [KNOWN BUG: ${bug}]`, () => run(scenario, line))
      }
    })
  }
})
