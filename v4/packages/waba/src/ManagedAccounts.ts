/**
 * The agency job on Effect 4: every WhatsApp Business Account a set of businesses manages — the ones each
 * owns and the ones shared with it — read with bounded concurrency, each business as itself
 * (`GraphCredentials.asBusiness`: its own token when credentials are provided), and streamed as it is read.
 *
 * - {@link stream} emits each `Account` once, however many businesses and edges it is seen on, as soon as
 *   it is complete (with its phone numbers, when expanded); a `Failure` per failed read of a business's edge
 *   (the rest goes on); and a `BusinessDone` once all of a business's accounts were emitted, to resume from
 *   (option `done`).
 * - {@link sightings} adds a `SeenAgain` for every further sighting of an account, for callers who want
 *   every business and edge an account is managed from.
 * - {@link all} collects everything, each account with all of its sources, in a fixed order.
 *
 * Memory grows with the number of distinct account ids, not with the accounts' data. Progress (businesses
 * done and failed of the total, accounts emitted, pages read) goes to `onProgress`.
 *
 * @since 1.0.0
 */
import { GraphBatch, GraphCredentials, InvalidRequestError } from "@effect-waba/graph-core"
import type { GraphClient, GraphPaging } from "@effect-waba/graph-core"
import * as FanOut from "@effect-waba/graph-rules/fanOut"
import * as Paging from "@effect-waba/graph-rules/paging"
import type * as Shape from "@effect-waba/graph-rules/shape"
import { edges, type phoneNumber, type whatsAppBusinessAccount } from "@effect-waba/graph-rules/whatsapp"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import * as ClientAccounts from "./ClientAccounts.js"
import type * as Filter from "./Filter.js"
import type * as EdgeRead from "./internal/read.js"
import * as OwnedAccounts from "./OwnedAccounts.js"
import * as PhoneNumber from "./PhoneNumber.js"
import * as PhoneNumbers from "./PhoneNumbers.js"
import * as WhatsAppBusinessAccount from "./WhatsAppBusinessAccount.js"

/**
 * The two edges a business's accounts come from.
 *
 * @since 1.0.0
 * @category models
 */
export type EdgeName = FanOut.EdgeName

/**
 * One place an account was seen: a business and an edge of it, with, for a shared account, what the
 * business may do with it (`permittedTasks`, Graph's `permitted_tasks`).
 *
 * @since 1.0.0
 * @category models
 */
export type Source = FanOut.Source

/**
 * An account, emitted once per read, as soon as it is complete. `firstSeenOn` is the sighting it was emitted
 * for: the first to reach it, so under concurrency which business that is depends on timing; {@link sightings}
 * and {@link all} give every source.
 *
 * @since 1.0.0
 * @category models
 */
export interface Account<A> {
  readonly _tag: "Account"
  readonly account: A
  readonly firstSeenOn: Source
}

/**
 * A further sighting of an account already emitted by this read (in {@link sightings} only). It always comes
 * after that account's `Account`.
 *
 * @since 1.0.0
 * @category models
 */
export interface SeenAgain {
  readonly _tag: "SeenAgain"
  readonly accountId: string
  readonly seenOn: Source
}

/**
 * A failed read of a business's edge (its pages, or the phone numbers of an account first seen there). That
 * edge is not read further; the business's other edge and the other businesses go on. The error names the
 * business, never its token.
 *
 * @since 1.0.0
 * @category models
 */
export interface Failure {
  readonly _tag: "Failure"
  readonly businessId: string
  readonly edge: EdgeName
  readonly error: GraphClient.GraphClientError
}

/**
 * Every account of the business has been emitted (by it, or earlier by another business that manages it
 * too), and none of its reads failed. Persist its id after the accounts before it to resume an interrupted
 * fan-out with option `done`.
 *
 * @since 1.0.0
 * @category models
 */
export interface BusinessDone {
  readonly _tag: "BusinessDone"
  readonly businessId: string
}

/**
 * What {@link stream} emits.
 *
 * @since 1.0.0
 * @category models
 */
export type Result<A> = Account<A> | Failure | BusinessDone

/**
 * An account with every place it was seen, as {@link all} returns it: the businesses in the order given,
 * the owned edge first.
 *
 * @since 1.0.0
 * @category models
 */
export type ManagedAccount<A> = FanOut.Merged<A>

/**
 * Where a fan-out stands: the businesses of the read (those in `done` included), those done (a
 * `BusinessDone` emitted, or skipped as listed in `done`) and failed (a `Failure`), the `Account`s emitted,
 * and the pages read (one request each, retries not counted, phone-number pages included).
 *
 * @since 1.0.0
 * @category models
 */
export type Progress = FanOut.Progress

/**
 * How each account's phone numbers are read: `expand: { phone_numbers: { fields, limit } }`. They are read
 * once per account, by the read that emits it; with `pages: "first"` the account keeps Graph's first page.
 *
 * @since 1.0.0
 * @category models
 */
export type Expand = { readonly phone_numbers?: EdgeRead.Expansion<PhoneNumber.Field> | undefined }

/**
 * @since 1.0.0
 * @category models
 */
export interface Options<F extends WhatsAppBusinessAccount.Field, XP extends Expand | undefined> {
  /** The account fields to read (`id` always comes); Graph's defaults when absent. */
  readonly fields?: ReadonlyArray<F> | undefined
  /** Each account's phone numbers too, into `phone_numbers`. */
  readonly expand?: XP
  /** Clauses every account must meet, on both edges (see `Filter`). */
  readonly filtering?: Filter.AccountFilter | ReadonlyArray<Filter.AccountFilter> | undefined
  /** Which edges to read; both by default. */
  readonly edges?: ReadonlyArray<EdgeName> | undefined
  /** The page size: 1 to 100, default 100 (Graph's default of 25 costs 4× the requests). */
  readonly limit?: number | undefined
  /** How many businesses are read at once: 1 to 64, default 8. Each makes one request at a time. */
  readonly concurrency?: number | undefined
  /**
   * Send the reads in batch requests (`GraphBatch`): up to 50 reads of different businesses in one round
   * trip, each still governed, retried and decoded as a read of its own. `concurrency` then counts round
   * trips in flight, and up to 10 times as many businesses are read at once. Off by default: a batch takes
   * as long as its slowest read, and a server or proxy in between must know batch requests.
   */
  readonly batch?: boolean | undefined
  /** End the whole read at the first failure instead of reporting it and going on. */
  readonly failFast?: boolean | undefined
  /** Businesses done in an earlier, interrupted read (the ids of its `BusinessDone`s): not read again. */
  readonly done?: ReadonlyArray<string> | ReadonlySet<string> | undefined
  /**
   * Called with a fresh {@link Progress} when the read starts and after each page and each business: a
   * callback rather than elements of the stream, so consumers of accounts have nothing to filter out. Keep
   * it quick: the read waits for it.
   */
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

/**
 * An account as the fan-out emits it: the fields asked for, and its phone numbers when expanded.
 *
 * @since 1.0.0
 * @category models
 */
export type AccountOf<F extends WhatsAppBusinessAccount.Field, XP> =
  & Shape.Selected<typeof whatsAppBusinessAccount, F>
  & EdgeRead.Expanded<typeof phoneNumber, XP>

/**
 * The most business ids one read takes.
 *
 * @since 1.0.0
 * @category constants
 */
export const maxBusinesses = FanOut.maxBusinesses

type Item = Record<string, unknown> & { readonly id: string }

type Element = Account<Item> | SeenAgain | Failure | BusinessDone

type AnyOptions = Options<WhatsAppBusinessAccount.Field, Expand | undefined>

const prepare = (businessIds: unknown, options: AnyOptions) => {
  const checked = FanOut.check(businessIds, options, (id) => OwnedAccounts.validate(id as string)?.message)
  if (checked._tag === "Failure") return new InvalidRequestError(checked.failure)
  const phone = options.expand?.phone_numbers
  const owned = {
    fields: options.fields,
    filtering: options.filtering,
    limit: options.limit ?? 100,
    // Nested pages are completed once per account by the read that emits it, not once per sighting.
    expand: phone === undefined ? undefined : { phone_numbers: { ...phone, pages: "first" as const } }
  }
  // The tasks a relationship permits belong to the source, so they are always read on the client edge.
  const client = {
    ...owned,
    fields: [...(options.fields ?? WhatsAppBusinessAccount.defaultFields), "permitted_tasks" as const]
  }
  // The options are the same for every business: checked once, with the first id.
  const id = checked.success.businessIds[0]!
  const problem = OwnedAccounts.validate(id, owned) ?? ClientAccounts.validate(id, client)
  if (problem !== undefined) return problem
  const phoneNumbers = phone === undefined || phone.pages === "first"
    ? undefined
    : { fields: phone.fields ?? PhoneNumber.defaultFields, limit: edges.phoneNumbers.maxLimit }
  return { ...checked.success, owned, client, phoneNumbers, onProgress: options.onProgress }
}

type Plan = Exclude<ReturnType<typeof prepare>, InvalidRequestError>

// Bad input fails the read before any request, whatever it is (a getter that throws included).
const planOf = (businessIds: unknown, options: unknown): Plan | InvalidRequestError => {
  try {
    return prepare(businessIds, (options ?? {}) as AnyOptions)
  } catch {
    return new InvalidRequestError({
      parameter: "options",
      message: "The options could not be read (a getter or proxy threw)."
    })
  }
}

type Reading<A = void> = Effect.Effect<A, GraphClient.GraphClientError, GraphClient.GraphClient>

/**
 * The pages of one business's edge: the seam where a reader that batches first pages would go. Every page
 * is read inside the business's `asBusiness`.
 */
type EdgePages = (
  plan: Plan,
  businessId: string,
  edge: EdgeName
) => Stream.Stream<GraphPaging.Page<Item>, GraphClient.GraphClientError, GraphClient.GraphClient>

const eachEdgeAlone: EdgePages = (plan, businessId, edge) =>
  (edge === "owned"
    ? OwnedAccounts.pages(businessId, plan.owned)
    : ClientAccounts.pages(businessId, plan.client)) as unknown as Stream.Stream<
      GraphPaging.Page<Item>,
      GraphClient.GraphClientError,
      GraphClient.GraphClient
    >

// Elements read but not yet taken by the consumer: a slow consumer holds the reads up once this many wait.
const backlog = 4096

// The businesses are read by plain effects that deliver into the stream's queue: a stream per business, edge
// and page would cost more CPU than the requests themselves in a fan-out of thousands.
const fanOut = (plan: Plan, seenAgain: boolean, edgePages: EdgePages = eachEdgeAlone) => {
  const reads = Stream.callback<Element, GraphClient.GraphClientError, GraphClient.GraphClient>(
    (out) =>
      Effect.gen(function*() {
        const progress = FanOut.startProgress(plan)
        const { onProgress } = plan
        const report = onProgress === undefined ? Effect.void : Effect.suspend(() => onProgress({ ...progress }))

        // An id maps to `true` once its account was emitted, or to the pending claim of the read completing
        // it; that read may yet fail, so a read that meets the claim waits for it to be settled.
        const seen = new Map<string, true | Deferred.Deferred<boolean>>()
        const claim = (id: string): Effect.Effect<Deferred.Deferred<boolean> | undefined> =>
          Effect.suspend(() => {
            const state = seen.get(id)
            if (state === true) return Effect.succeed(undefined)
            if (state !== undefined) return Effect.andThen(Deferred.await(state), claim(id))
            const mine = Deferred.makeUnsafe<boolean>()
            seen.set(id, mine)
            return Effect.succeed(mine)
          })
        const settle = (id: string, mine: Deferred.Deferred<boolean>, emitted: boolean) =>
          Effect.suspend(() => {
            if (emitted) seen.set(id, true)
            else seen.delete(id)
            return Deferred.succeed(mine, emitted)
          })

        const complete = (account: Item): Reading<Item> => {
          const nested = account.phone_numbers as EdgeRead.FirstPage<unknown> | undefined
          if (plan.phoneNumbers === undefined || nested === undefined) return Effect.succeed(account)
          // The rest is a read of its own, so a number it repeats from the first page is dropped here.
          const delivered = new Set<string>()
          const numbers = Paging.dropRepeats(delivered, nested.data)
          const rest = nested.nextAfter === undefined
            ? Effect.void
            : Stream.runForEach(
              PhoneNumbers.pages(account.id, { ...plan.phoneNumbers, after: nested.nextAfter }),
              (page) =>
                Effect.sync(() => {
                  progress.pages++
                  numbers.push(...Paging.dropRepeats(delivered, page.items))
                })
            )
          return Effect.as(rest, { ...account, phone_numbers: numbers })
        }

        // One sighting: an account already emitted is seen again; one another read is completing is waited
        // for; a new one is claimed, completed and emitted. A read holds one claim at a time and waits on none
        // while it holds it, so two reads sharing accounts cannot wait on each other.
        const sighting = (item: Item, businessId: string, edge: EdgeName): Reading => {
          const { account, source } = FanOut.sighting(item, businessId, edge)
          return Effect.flatMap(claim(account.id), (mine) => {
            if (mine === undefined) {
              return seenAgain
                ? Queue.offer(out, { _tag: "SeenAgain", accountId: account.id, seenOn: source })
                : Effect.void
            }
            // Settled once the account is in the queue, so a read that waited on the claim finds it emitted;
            // released if this read fails or is cut off first, for another read to emit.
            return complete(account).pipe(
              Effect.flatMap((account) => {
                progress.accounts++
                return Queue.offer(out, { _tag: "Account", account, firstSeenOn: source })
              }),
              Effect.onExit((exit) => settle(account.id, mine, Exit.isSuccess(exit)))
            )
          })
        }

        const edgeRead = (businessId: string, edge: EdgeName): Reading =>
          Stream.runForEach(edgePages(plan, businessId, edge), ({ items }) =>
            Effect.suspend(() => {
              progress.pages++
              return Effect.andThen(
                Effect.forEach(items, (item) => sighting(item, businessId, edge), { discard: true }),
                report
              )
            }))

        // Every request made for one business runs inside this effect, as that business: with its
        // credentials when a `GraphCredentials` is provided.
        const business = (businessId: string): Reading =>
          Effect.suspend(() => {
            let failed = false
            const read = (edge: EdgeName) =>
              plan.failFast ? edgeRead(businessId, edge) : Effect.catch(edgeRead(businessId, edge), (error) => {
                if (!failed) progress.businessesFailed++
                failed = true
                return Queue.offer(out, { _tag: "Failure", businessId, edge, error })
              })
            const end = Effect.suspend(() => {
              if (failed) return report
              progress.businessesDone++
              return Effect.andThen(Queue.offer(out, { _tag: "BusinessDone", businessId }), report)
            })
            return Effect.forEach(plan.edges, read, { discard: true }).pipe(
              Effect.andThen(end),
              GraphCredentials.asBusiness(businessId),
              Effect.withSpan("ManagedAccounts.business", { attributes: { "graph.business_id": businessId } })
            )
          })

        yield* report
        // The reads end the queue when done and fail it when one fails (`failFast`); they stop with the stream.
        yield* Queue.into(out)(
          Effect.forEach(plan.todo, business, {
            concurrency: plan.batch ? plan.concurrency * FanOut.businessesPerRoundTrip : plan.concurrency,
            discard: true
          })
        )
      }),
    { bufferSize: backlog }
  )
  return plan.batch ? GraphBatch.batching({ concurrency: plan.concurrency })(reads) : reads
}

type Reads<A> = {
  readonly stream: Stream.Stream<Result<A>, GraphClient.GraphClientError, GraphClient.GraphClient>
  readonly sightings: Stream.Stream<Result<A> | SeenAgain, GraphClient.GraphClientError, GraphClient.GraphClient>
  readonly all: Effect.Effect<
    { readonly accounts: ReadonlyArray<ManagedAccount<A>>; readonly failures: ReadonlyArray<Failure> },
    GraphClient.GraphClientError,
    GraphClient.GraphClient
  >
}

/**
 * A fan-out read, typed by its options: `F` the account fields, `XP` the expansion.
 *
 * @since 1.0.0
 * @category models
 */
export type Read<K extends keyof Reads<unknown>> = <
  const F extends WhatsAppBusinessAccount.Field = typeof WhatsAppBusinessAccount.defaultFields[number],
  const XP extends Expand | undefined = undefined
>(
  businessIds: ReadonlyArray<string>,
  options?: Options<F, XP>
) => Reads<AccountOf<F, XP>>[K]

/**
 * Every account the businesses manage, each once, as it is read: an `Account` as soon as it is complete, a
 * `Failure` for each failed read of a business's edge, and a `BusinessDone` after the last account of each
 * business read without failure.
 *
 * Order: businesses start in the order given, each reads its edges in turn (the owned edge first) and emits
 * in Graph's order; with `concurrency` above 1, businesses interleave as their answers arrive.
 *
 * Resume: a business in `done` is not read. An account emitted by an interrupted read is emitted again after
 * resuming exactly when a business not in `done` manages it.
 *
 * @since 1.0.0
 * @category streams
 */
export const stream: Read<"stream"> = (businessIds, options) => {
  const plan = planOf(businessIds, options)
  return (plan instanceof InvalidRequestError ? Stream.fail(plan) : fanOut(plan, false)) as any
}

/**
 * {@link stream}, with a `SeenAgain` for every further sighting of an account: one element per (account,
 * business, edge) — the account's data on the first (its `Account`), its id and source on the others, which
 * always come after it. For callers who need every business an account is managed from, without holding
 * accounts until the end.
 *
 * @since 1.0.0
 * @category streams
 */
export const sightings: Read<"sightings"> = (businessIds, options) => {
  const plan = planOf(businessIds, options)
  return (plan instanceof InvalidRequestError ? Stream.fail(plan) : fanOut(plan, true)) as any
}

/**
 * Every account with all of its sources, and every failure, collected. Accounts come in the order of their
 * first source: the businesses as given, the owned edge first, then as that read returned them. Holds
 * everything until the end; prefer {@link stream} for many businesses.
 *
 * @since 1.0.0
 * @category constructors
 */
export const all: Read<"all"> = (businessIds, options) => {
  const plan = planOf(businessIds, options)
  if (plan instanceof InvalidRequestError) return Effect.fail(plan) as any
  return Effect.suspend(() => {
    const accounts = FanOut.merger<Item>(plan.businessIds)
    const failures: Array<Failure> = []
    return Stream.runForEach(fanOut(plan, true), (element) =>
      Effect.sync(() => {
        if (element._tag === "Account") accounts.add(element.account.id, element.firstSeenOn, element.account)
        else if (element._tag === "SeenAgain") accounts.add(element.accountId, element.seenOn)
        else if (element._tag === "Failure") failures.push(element)
      })).pipe(Effect.map(() => ({ accounts: accounts.result(), failures })))
  }) as any
}

/**
 * A type guard for emitted accounts, e.g. `Stream.filter(ManagedAccounts.isAccount)`.
 *
 * @since 1.0.0
 * @category predicates
 */
export const isAccount = <A>(result: Result<A> | SeenAgain): result is Account<A> => result._tag === "Account"
