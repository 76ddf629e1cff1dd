/**
 * The Effect 4 line as the shared behaviour scenarios (`checks/behaviour`) and the spec contract
 * (`packages/waba/test/contract/Cases.ts`) drive it: a scenario's `Read` mapped onto this line's public API,
 * over `fetch`, and the result reported back as plain data for the shared verdict. The other line's twin is
 * `packages/waba/test/behaviourLine.ts`.
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
import type { FilterClause, Line, Outcome, Read, Settings } from "../../../../checks/behaviour/model.js"

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
    expand: read.phoneNumbers === undefined ? undefined : { phone_numbers: read.phoneNumbers },
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

export const line: Line = async (read, settings) => {
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
