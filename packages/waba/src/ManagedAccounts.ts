/**
 * The agency job: every WhatsApp Business Account a set of businesses manages — the ones each owns and
 * the ones shared with it — read with bounded concurrency under the rate governor, merged by id, each
 * emitted once with where it came from.
 *
 * One account can appear on one business's owned edge and another's client edge, or on both edges of
 * one business: it is emitted once, its `sources` listing every (business, edge) it was seen on, with
 * the tasks each client relationship permits. With `expand: { phone_numbers }`, each account's phone
 * numbers are read once, however many times the account was seen.
 *
 * A read that fails (no permission, an unknown id) is reported as a `Failure` for that business and
 * edge, and the others go on — unless `failFast` is set. Because an account's sources are only known
 * once every read is done, accounts are emitted after the last read finishes (failures first). The
 * order does not depend on timing: accounts come in the order of the businesses given (owned edge
 * first), then as each read returned them; so do an account's sources.
 *
 * @example
 * ```ts
 * import { ManagedAccounts } from "@effect-waba/waba"
 * import { Effect, Stream } from "effect"
 *
 * const everything = ManagedAccounts.stream(["1234567890", "2345678901"], {
 *   fields: ["name", "status"],
 *   expand: { phone_numbers: { fields: ["display_phone_number", "quality_rating", "messaging_limit_tier"] } },
 *   concurrency: 8
 * }).pipe(
 *   Stream.runForEach((result) =>
 *     result._tag === "Account"
 *       ? Effect.log(`${result.account.name}: ${result.account.phone_numbers.length} numbers`)
 *       : Effect.logWarning(`business ${result.businessId} (${result.edge}): ${result.error._tag}`)
 *   )
 * )
 * ```
 *
 * @since 0.2.0
 */
import type { GraphClient, GraphRead } from "@effect-waba/graph-core"
import { InvalidRequestError } from "@effect-waba/graph-core"
import * as Chunk from "effect/Chunk"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as ClientAccounts from "./ClientAccounts.js"
import * as OwnedAccounts from "./OwnedAccounts.js"
import * as PhoneNumber from "./PhoneNumber.js"
import * as PhoneNumbers from "./PhoneNumbers.js"
import * as Node from "./WhatsAppBusinessAccount.js"

/**
 * The two edges a business's accounts come from.
 *
 * @since 0.2.0
 * @category models
 */
export type EdgeName = "owned" | "client"

/**
 * Where an account was seen.
 *
 * @since 0.2.0
 * @category models
 */
export interface Source {
  readonly businessId: string
  readonly edge: EdgeName
  /** For a shared account: what the business may do with it (`permitted_tasks`). */
  readonly permittedTasks?: ReadonlyArray<string> | undefined
}

/**
 * What the stream emits: an account with its sources, or the failure of one business's edge.
 *
 * @since 0.2.0
 * @category models
 */
export type Result<A> = Data.TaggedEnum<{
  readonly Account: { readonly account: A; readonly sources: ReadonlyArray<Source> }
  readonly Failure: { readonly businessId: string; readonly edge: EdgeName; readonly error: GraphRead.ReadError }
}>

/**
 * An emitted account.
 *
 * @since 0.2.0
 * @category models
 */
export type ManagedAccount<A> = Extract<Result<A>, { readonly _tag: "Account" }>

/**
 * A failed read of one business's edge.
 *
 * @since 0.2.0
 * @category models
 */
export type Failure = Extract<Result<never>, { readonly _tag: "Failure" }>

interface ResultDefinition extends Data.TaggedEnum.WithGenerics<1> {
  readonly taggedEnum: Result<this["A"]>
}

const Result = Data.taggedEnum<ResultDefinition>()

/**
 * @since 0.2.0
 * @category models
 */
export interface Options<F extends ReadonlyArray<Node.Field>, X extends string, XP>
  extends Pick<OwnedAccounts.Options<F, X, XP>, "fields" | "extraFields" | "expand" | "filtering" | "limit">
{
  /** Which edges to read; both by default. */
  readonly edges?: ReadonlyArray<EdgeName> | undefined
  /** How many reads run at once (1 to 64, default 8). The rate governor paces them per business. */
  readonly concurrency?: number | undefined
  /** End the whole read at the first failure instead of reporting it and going on. */
  readonly failFast?: boolean | undefined
}

/**
 * The most business ids one read takes.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxBusinesses = 100_000

type Item = Record<string, unknown> & { readonly id: string }

interface Entry {
  account: Item
  /** Where it was first seen (task, position in that read): accounts are emitted in this order. */
  first: readonly [number, number]
  readonly sources: Array<readonly [number, Source]>
}

const invalid = (parameter: string, message: string) => Either.left(new InvalidRequestError({ parameter, message }))

const prepare = (businessIds: unknown, options: Options<ReadonlyArray<Node.Field>, string, OwnedAccounts.Expand>) => {
  const { concurrency = 8, edges = ["owned", "client"], expand, failFast = false } = options
  if (!Array.isArray(businessIds) || businessIds.length === 0) {
    return invalid("businessIds", "businessIds must be a non-empty list of business ids.")
  }
  if (businessIds.length > maxBusinesses) {
    return invalid("businessIds", `businessIds may hold at most ${maxBusinesses} ids.`)
  }
  if (!Array.isArray(edges) || edges.length === 0 || edges.some((edge) => edge !== "owned" && edge !== "client")) {
    return invalid("edges", "edges must be a non-empty list of \"owned\" and \"client\".")
  }
  if (typeof concurrency !== "number" || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    return invalid("concurrency", `concurrency must be a whole number from 1 to 64, got ${concurrency}.`)
  }
  const phone = expand?.phone_numbers
  const owned = {
    fields: options.fields,
    extraFields: options.extraFields,
    // Nested pages are completed once per account after merging, not once per sighting.
    expand: phone === undefined ? undefined : { phone_numbers: { ...phone, pages: "first" as const } },
    filtering: options.filtering,
    limit: options.limit
  }
  // The tasks a relationship permits belong to the source, so they are always read on the client edge.
  const client = { ...owned, fields: [...(options.fields ?? Node.defaultFields), "permitted_tasks" as const] }
  const ids: ReadonlyArray<string> = [...new Set(businessIds)]
  for (const id of ids) {
    const problem = Option.orElse(OwnedAccounts.validate(id, owned), () => ClientAccounts.validate(id, client))
    if (Option.isSome(problem)) {
      const { message, parameter } = problem.value
      return parameter === "businessId"
        ? invalid("businessIds", `businessIds holds ${JSON.stringify(id)}: ${message}`)
        : Either.left(problem.value)
    }
  }
  const phoneNumbers = phone === undefined || phone.pages === "first"
    ? undefined
    : { fields: phone.fields ?? PhoneNumber.defaultFields, limit: phone.limit }
  return Either.right({ businessIds: ids, edges, concurrency, owned, client, phoneNumbers, failFast })
}

type Plan = Either.Either.Right<ReturnType<typeof prepare>>

const readAll = (plan: Plan) =>
  Effect.suspend(() => {
    const merged = new Map<string, Entry>()
    const failures: Array<Failure> = []
    const read = (task: number, businessId: string, edge: EdgeName) => {
      let position = 0
      const pages: Stream.Stream<
        { readonly items: ReadonlyArray<Item> },
        GraphRead.ReadError,
        GraphClient.GraphClient
      > = edge === "owned" ? OwnedAccounts.pages(businessId, plan.owned) : ClientAccounts.pages(businessId, plan.client)
      const add = (item: Item) => {
        const at = [task, position++] as const
        const { permitted_tasks: tasks, ...rest } = item as Item & { readonly permitted_tasks?: ReadonlyArray<string> }
        const account = edge === "client" ? rest as Item : item
        const source: Source = edge === "client" && tasks !== undefined
          ? { businessId, edge, permittedTasks: tasks }
          : { businessId, edge }
        const known = merged.get(account.id)
        if (known === undefined) return void merged.set(account.id, { account, first: at, sources: [[task, source]] })
        known.sources.push([task, source])
        // Reads finish in any order; the earliest task's copy wins, so results do not depend on timing.
        if (at[0] < known.first[0]) Object.assign(known, { first: at, account })
      }
      return Stream.runForEach(pages, (page) => Effect.sync(() => page.items.forEach(add))).pipe(
        Effect.withSpan("ManagedAccounts.read", { attributes: { "graph.business_id": businessId, "waba.edge": edge } })
      )
    }
    const tasks = plan.businessIds.flatMap((businessId) => plan.edges.map((edge) => [businessId, edge] as const))
    return Effect.zipRight(
      Effect.forEach(tasks, ([businessId, edge], task) =>
        plan.failFast ? read(task, businessId, edge) : read(task, businessId, edge).pipe(
          Effect.catchAll((error) =>
            Effect.sync(() =>
              failures.push(Result.Failure({ businessId, edge, error }) as Failure)
            )
          )
        ), { concurrency: plan.concurrency, discard: true }),
      Effect.sync(() => {
        const entries = [...merged.values()].sort((a, b) =>
          a.first[0] - b.first[0] || a.first[1] - b.first[1]
        )
        for (const entry of entries) entry.sources.sort((a, b) => a[0] - b[0])
        return { entries, failures }
      })
    )
  })

// Completes each account's phone numbers once, from the cursor its first nested page ended on.
const completePhoneNumbers = ({ phoneNumbers }: Plan, { account }: Entry) => {
  const nested = account.phone_numbers as
    | { readonly data: ReadonlyArray<unknown>; readonly nextAfter?: string }
    | undefined
  if (phoneNumbers === undefined || nested === undefined) return Effect.succeed(account)
  if (nested.nextAfter === undefined) return Effect.succeed({ ...account, phone_numbers: nested.data })
  return Effect.map(
    PhoneNumbers.all(account.id, { ...phoneNumbers, after: nested.nextAfter }),
    (rest) => ({ ...account, phone_numbers: [...nested.data, ...rest] })
  )
}

/**
 * Every account the businesses manage, merged by id, then the failures of individual reads; accounts
 * are emitted once every read is done, failures as they happen.
 *
 * @since 0.2.0
 * @category streams
 */
export const stream = <
  const F extends ReadonlyArray<Node.Field> = typeof OwnedAccounts.edge.node.defaultFields,
  const X extends string = never,
  const XP extends OwnedAccounts.Expand = {}
>(
  businessIds: ReadonlyArray<string>,
  options?: Options<F, X, XP> | undefined
): Stream.Stream<
  Result<OwnedAccounts.Account<F[number], X, XP>>,
  InvalidRequestError | GraphRead.ReadError,
  GraphClient.GraphClient
> => {
  let prepared: Either.Either<Plan, InvalidRequestError>
  try {
    prepared = prepare(businessIds, options ?? {})
  } catch {
    prepared = invalid("options", "The options could not be read (a getter or proxy threw).")
  }
  if (Either.isLeft(prepared)) return Stream.fail(prepared.left)
  const plan = prepared.right
  const emit = (entry: Entry) =>
    Effect.map(
      completePhoneNumbers(plan, entry),
      (account) => Result.Account({ account, sources: entry.sources.map(([, source]) => source) })
    )
  return Stream.unwrap(
    Effect.map(
      readAll(plan),
      ({ entries, failures }) =>
        Stream.concat(Stream.fromIterable(failures), Stream.mapEffect(Stream.fromIterable(entries), emit))
    )
  ) as any
}

/**
 * Every account, and every failure, collected.
 *
 * @since 0.2.0
 * @category constructors
 */
export const all = <
  const F extends ReadonlyArray<Node.Field> = typeof OwnedAccounts.edge.node.defaultFields,
  const X extends string = never,
  const XP extends OwnedAccounts.Expand = {}
>(
  businessIds: ReadonlyArray<string>,
  options?: Options<F, X, XP> | undefined
): Effect.Effect<
  {
    readonly accounts: ReadonlyArray<ManagedAccount<OwnedAccounts.Account<F[number], X, XP>>>
    readonly failures: ReadonlyArray<Failure>
  },
  InvalidRequestError | GraphRead.ReadError,
  GraphClient.GraphClient
> =>
  Effect.map(Stream.runCollect(stream(businessIds, options)), (chunk) => {
    const results = Chunk.toReadonlyArray(chunk)
    return {
      accounts: results.filter((r): r is ManagedAccount<any> => r._tag === "Account"),
      failures: results.filter((r): r is Failure => r._tag === "Failure")
    }
  })

/**
 * A type guard for emitted accounts, e.g. `Stream.filter(ManagedAccounts.isAccount)`.
 *
 * @since 0.2.0
 * @category predicates
 */
export const isAccount = <A>(result: Result<A>): result is ManagedAccount<A> => result._tag === "Account"
