/**
 * The agency job: every WhatsApp Business Account a set of businesses manages — the ones each owns and
 * the ones shared with it — read with bounded concurrency under the rate governor, and streamed as it is
 * read: each account is emitted once, as soon as it is complete, however many businesses and edges it
 * is seen on.
 *
 * - {@link stream} emits `Account`s, a `Failure` per failed read of a business's edge (the other
 *   businesses go on), and a `BusinessDone` once all of a business's accounts were emitted, to resume
 *   from (option `done`).
 * - {@link sightings} adds a `SeenAgain` for every further sighting of an account, for callers who want
 *   every business and edge an account is managed from.
 * - {@link all} collects everything, each account with all of its sources, in a fixed order.
 *
 * Each business is read as itself (`GraphCredentials.asBusiness`): with a `GraphCredentials` provided, its
 * edges, pages and the phone numbers of the accounts first seen on it are read with that business's token.
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
 *       : result._tag === "Failure"
 *       ? Effect.logWarning(`business ${result.businessId} (${result.edge}): ${result.error._tag}`)
 *       : Effect.void
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 */
import type { GraphClient, GraphRead } from "@effect-waba/graph-core"
import { GraphBatch, GraphCredentials, InvalidRequestError } from "@effect-waba/graph-core"
import * as FanOut from "@effect-waba/graph-rules/fanOut"
import * as Paging from "@effect-waba/graph-rules/paging"
import * as Data from "effect/Data"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Mailbox from "effect/Mailbox"
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
 * @since 0.1.0
 * @category models
 */
export type EdgeName = FanOut.EdgeName

/**
 * One place an account was seen: a business and an edge of it, with, for a shared account, what the
 * business may do with it (`permittedTasks`, Graph's `permitted_tasks`).
 *
 * @since 0.1.0
 * @category models
 */
export type Source = FanOut.Source

type Elements<A> = Data.TaggedEnum<{
  readonly Account: { readonly account: A; readonly firstSeenOn: Source }
  readonly SeenAgain: { readonly accountId: string; readonly seenOn: Source }
  readonly Failure: { readonly businessId: string; readonly edge: EdgeName; readonly error: GraphRead.ReadError }
  readonly BusinessDone: { readonly businessId: string }
}>

/**
 * An account, emitted once per read, as soon as it is complete (its phone numbers too, when expanded).
 * `firstSeenOn` is the sighting it was emitted for: the first to reach it, so under concurrency which
 * business that is depends on timing. It is not every source — other businesses may not have been read
 * yet when the account streams out; {@link sightings} and {@link all} give every source.
 *
 * @since 0.1.0
 * @category models
 */
export type Account<A> = Extract<Elements<A>, { readonly _tag: "Account" }>

/**
 * A further sighting of an account already emitted by this read (in {@link sightings} only): the
 * account's id and where it was seen again. It always comes after that account's `Account`.
 *
 * @since 0.1.0
 * @category models
 */
export type SeenAgain = Extract<Elements<never>, { readonly _tag: "SeenAgain" }>

/**
 * A failed read of one business's edge — its pages, or the phone numbers of an account first seen
 * there. That edge is not read further; the business's other edge and the other businesses go on. The
 * error says what Graph answered, never the token: a `GraphCredentialsError` when there are no usable
 * credentials for the business, a `GraphAuthError` whose `reauthorize` is true when only the business can
 * mend its token (code 190 with subcode 458, 460, 463 or 467).
 *
 * @since 0.1.0
 * @category models
 */
export type Failure = Extract<Elements<never>, { readonly _tag: "Failure" }>

/**
 * Every account of this business has been emitted (by it, or earlier by another business that also
 * manages it), and none of its reads failed. Persist its id after the accounts before it to resume
 * an interrupted fan-out with option `done`.
 *
 * @since 0.1.0
 * @category models
 */
export type BusinessDone = Extract<Elements<never>, { readonly _tag: "BusinessDone" }>

/**
 * What {@link stream} emits.
 *
 * @since 0.1.0
 * @category models
 */
export type Result<A> = Account<A> | Failure | BusinessDone

/**
 * An account with every place it was seen, as {@link all} returns it: the businesses in the order given,
 * the owned edge first.
 *
 * @since 0.1.0
 * @category models
 */
export type ManagedAccount<A> = FanOut.Merged<A>

/**
 * Where a fan-out stands: the businesses of the read (those in `done` included), those done (a
 * `BusinessDone` emitted, or skipped as listed in `done`) and failed (a `Failure`), the `Account`s emitted,
 * and the pages read (one request each, retries not counted, phone-number pages included). Holds of the
 * rate governor and retries are not counted here: they are `GraphEvents` (`Held`, `RetryScheduled`),
 * published by the client for every read.
 *
 * @since 0.1.0
 * @category models
 */
export type Progress = FanOut.Progress

interface ElementsDefinition extends Data.TaggedEnum.WithGenerics<1> {
  readonly taggedEnum: Elements<this["A"]>
}

const Element = Data.taggedEnum<ElementsDefinition>()

/**
 * @since 0.1.0
 * @category models
 */
export interface Options<F extends ReadonlyArray<Node.Field>, X extends string, XP>
  extends Pick<OwnedAccounts.Options<F, X, XP>, "fields" | "extraFields" | "expand" | "filtering">
{
  /** Which edges to read; both by default. */
  readonly edges?: ReadonlyArray<EdgeName> | undefined
  /** The page size of the account reads: 1 to 100, default 100 (Graph's default of 25 costs 4× the requests). */
  readonly limit?: number | undefined
  /**
   * How many businesses are read at once (1 to 64, default 8). Each business makes one request at a
   * time, so this is also the most requests in flight; the rate governor paces each business's calls.
   */
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
  /**
   * Businesses done in an earlier, interrupted read (the ids of its `BusinessDone`s): not read again,
   * counted as done in the progress.
   */
  readonly done?: ReadonlyArray<string> | ReadonlySet<string> | undefined
  /**
   * Called with a fresh {@link Progress} when the read starts and after each page and each business.
   * A callback rather than elements of the stream, so that consumers of accounts have no progress to
   * filter out, and rather than a second stream, which would need its own lifetime; put the figures
   * where they are shown (a `Ref` a display reads on its own tick, a log line). Keep it quick: the read
   * waits for it.
   */
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

// `GraphRead.ReadError` holds the `InvalidRequestError` of bad input.
interface Reads<A> {
  readonly stream: Stream.Stream<Result<A>, GraphRead.ReadError, GraphClient.GraphClient>
  readonly sightings: Stream.Stream<Result<A> | SeenAgain, GraphRead.ReadError, GraphClient.GraphClient>
  readonly all: Effect.Effect<
    { readonly accounts: ReadonlyArray<ManagedAccount<A>>; readonly failures: ReadonlyArray<Failure> },
    GraphRead.ReadError,
    GraphClient.GraphClient
  >
}

/**
 * A fan-out read, typed by its options: `F` the fields, `X` the extra fields, `XP` the expansions, `C` the
 * filtering (see `GraphRead.CheckedOptions`).
 *
 * @since 0.1.0
 * @category models
 */
export type Read<K extends keyof Reads<unknown>> = <
  const F extends ReadonlyArray<string> = typeof OwnedAccounts.edge.node.defaultFields,
  const X extends string = never,
  const XP = {},
  const C = never
>(
  businessIds: ReadonlyArray<string>,
  options?:
    | GraphRead.CheckedOptions<typeof OwnedAccounts.edge, Options<ReadonlyArray<Node.Field>, X, {}>, F, XP, C>
    | undefined
) => Reads<OwnedAccounts.Account<Extract<F[number], Node.Field>, X, XP>>[K]

/**
 * The most business ids one read takes.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxBusinesses = FanOut.maxBusinesses

const defaultLimit = Math.min(OwnedAccounts.edge.maxLimit, ClientAccounts.edge.maxLimit)

type Item = Record<string, unknown> & { readonly id: string }

const invalid = (parameter: string, message: string) => Either.left(new InvalidRequestError({ parameter, message }))

const prepare = (businessIds: unknown, options: Options<ReadonlyArray<Node.Field>, string, OwnedAccounts.Expand>) => {
  const checked = FanOut.check(
    businessIds,
    options,
    (id) => Option.getOrUndefined(Option.map(OwnedAccounts.validate(id as string), (problem) => problem.message))
  )
  if (checked._tag === "Failure") return invalid(checked.failure.parameter, checked.failure.message)
  const { expand, onProgress } = options
  const phone = expand?.phone_numbers
  const owned = {
    fields: options.fields,
    extraFields: options.extraFields,
    // Nested pages are completed once per account by the read that emits it, not once per sighting.
    expand: phone === undefined ? undefined : { phone_numbers: { ...phone, pages: "first" as const } },
    filtering: options.filtering,
    limit: options.limit ?? defaultLimit
  }
  // The tasks a relationship permits belong to the source, so they are always read on the client edge.
  const client = { ...owned, fields: [...(options.fields ?? Node.defaultFields), "permitted_tasks" as const] }
  // The options are the same for every business: checked once, with the first id.
  const id = checked.success.businessIds[0]!
  const problem = Option.orElse(OwnedAccounts.validate(id, owned), () => ClientAccounts.validate(id, client))
  if (Option.isSome(problem)) return Either.left(problem.value)
  const phoneNumbers = phone === undefined || phone.pages === "first"
    ? undefined
    : { fields: phone.fields ?? PhoneNumber.defaultFields, limit: phone.limit ?? PhoneNumbers.edge.maxLimit }
  return Either.right({ ...checked.success, owned, client, phoneNumbers, onProgress })
}

type Plan = Either.Either.Right<ReturnType<typeof prepare>>

// Bad input fails the read before any request.
const planOf = (businessIds: unknown, options: unknown): Either.Either<Plan, InvalidRequestError> => {
  try {
    return prepare(businessIds, (options ?? {}) as Options<ReadonlyArray<Node.Field>, string, OwnedAccounts.Expand>)
  } catch {
    return invalid("options", "The options could not be read (a getter or proxy threw).")
  }
}

type Emitted = Stream.Stream<Elements<Item>, GraphRead.ReadError, GraphClient.GraphClient>

type Reading<A = void> = Effect.Effect<A, GraphRead.ReadError, GraphClient.GraphClient>

// A read's claim on an account it is completing.
interface Claim {
  settled?: Deferred.Deferred<void>
}

// Elements read but not yet taken by the consumer: a slow consumer holds the reads up once this many wait.
const backlog = 4096

// The businesses are read by plain effects that deliver into a mailbox, which the stream drains: a stream
// per business, edge and page cost more CPU than the requests themselves in a fan-out of thousands.
const fanOut = (plan: Plan, seenAgain: boolean): Emitted =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const progress = FanOut.startProgress(plan)
    const { onProgress } = plan
    const report = onProgress === undefined ? Effect.void : Effect.suspend(() => onProgress({ ...progress }))
    const out = yield* Mailbox.make<Elements<Item>, GraphRead.ReadError>(backlog)

    // An id maps to `true` once its account was emitted, or to the pending claim of the read completing
    // it; that read may yet fail, so a read that meets the claim waits for it to be settled. Most claims
    // are never met (tens of thousands in a large fan-out): the signal to wait on is made by the first
    // read that needs it.
    const seen = new Map<string, true | Claim>()
    const claim = (id: string): Effect.Effect<Claim | undefined> =>
      Effect.suspend(() => {
        const state = seen.get(id)
        if (state === true) return Effect.succeed(undefined)
        if (state !== undefined) {
          state.settled ??= Deferred.unsafeMake<void>(FiberId.none)
          return Effect.zipRight(Deferred.await(state.settled), claim(id))
        }
        const mine: Claim = {}
        seen.set(id, mine)
        return Effect.succeed(mine)
      })
    const settle = (id: string, mine: Claim, emitted: boolean) =>
      Effect.suspend(() => {
        if (emitted) seen.set(id, true)
        else seen.delete(id)
        return mine.settled === undefined ? Effect.void : Deferred.succeed(mine.settled, undefined)
      })

    const complete = (account: Item): Reading<Item> => {
      const nested = account.phone_numbers as GraphRead.FirstPage<unknown> | undefined
      if (plan.phoneNumbers === undefined || nested === undefined) return Effect.succeed(account)
      // The rest is a read of its own, so a number it repeats from the first page is dropped here.
      const delivered = new Set<string>()
      const numbers = Paging.dropRepeats(delivered, nested.data)
      const rest = nested.nextAfter === undefined
        ? Effect.void
        : PhoneNumbers.forEachPage(account.id, { ...plan.phoneNumbers, after: nested.nextAfter })((page) =>
          Effect.sync(() => {
            progress.pages++
            numbers.push(...Paging.dropRepeats(delivered, page.items))
          })
        )
      return Effect.as(rest, { ...account, phone_numbers: numbers })
    }

    // One sighting: an account already emitted is seen again; one another read is completing is waited for;
    // a new one is claimed, completed and emitted. A read holds one claim at a time and waits on none while
    // it holds it, so two reads sharing accounts cannot wait on each other.
    const sighting = (item: Item, businessId: string, edge: EdgeName): Reading => {
      const { account, source } = FanOut.sighting(item, businessId, edge)
      return Effect.flatMap(claim(account.id), (mine) => {
        if (mine === undefined) {
          return seenAgain ? out.offer(Element.SeenAgain({ accountId: account.id, seenOn: source })) : Effect.void
        }
        // Settled once the account is in the mailbox, so a read that waited on the claim finds it emitted;
        // released if this read fails or is cut off first, for another read to emit.
        return complete(account).pipe(
          Effect.flatMap((account) => {
            progress.accounts++
            return out.offer(Element.Account({ account, firstSeenOn: source }))
          }),
          Effect.onExit((exit) => settle(account.id, mine, Exit.isSuccess(exit)))
        )
      })
    }

    const edgeRead = (businessId: string, edge: EdgeName): Reading => {
      const onPage = ({ items }: { readonly items: ReadonlyArray<Item> }) =>
        Effect.suspend(() => {
          progress.pages++
          return Effect.zipRight(
            Effect.forEach(items, (item) => sighting(item, businessId, edge), { discard: true }),
            report
          )
        })
      return edge === "owned"
        ? OwnedAccounts.forEachPage(businessId, plan.owned)(onPage)
        : ClientAccounts.forEachPage(businessId, plan.client)(onPage)
    }

    // Every request made for one business runs inside this effect, as that business: with its credentials
    // when a `GraphCredentials` is provided.
    const business = (businessId: string): Reading =>
      Effect.suspend(() => {
        let failed = false
        const read = (edge: EdgeName) =>
          plan.failFast ? edgeRead(businessId, edge) : Effect.catchAll(edgeRead(businessId, edge), (error) => {
            if (!failed) progress.businessesFailed++
            failed = true
            return out.offer(Element.Failure({ businessId, edge, error }))
          })
        const end = Effect.suspend(() => {
          if (failed) return report
          progress.businessesDone++
          return Effect.zipRight(out.offer(Element.BusinessDone({ businessId })), report)
        })
        return Effect.forEach(plan.edges, read, { discard: true }).pipe(
          Effect.zipRight(end),
          GraphCredentials.asBusiness(businessId),
          Effect.withSpan("ManagedAccounts.business", { attributes: { "graph.business_id": businessId } })
        )
      })

    const businesses = plan.batch ? plan.concurrency * FanOut.businessesPerRoundTrip : plan.concurrency
    yield* report
    // The reads end the mailbox when done, fail it when one fails (`failFast`), and stop with the stream.
    yield* Effect.forkScoped(
      Mailbox.into(Effect.forEach(plan.todo, business, { concurrency: businesses, discard: true }), out)
    )
    return Mailbox.toStream(out)
  })).pipe(
    // The concurrency was checked with the plan.
    (reads) => plan.batch ? Stream.orDie(GraphBatch.batching({ concurrency: plan.concurrency })(reads)) : reads
  )

/**
 * Every account the businesses manage, each once, as it is read: an `Account` as soon as it is complete
 * (with `expand: { phone_numbers }`, its phone numbers too), a `Failure` for each failed read of a
 * business's edge, and a `BusinessDone` after the last account of each business that was read without
 * failure. Memory grows with the number of distinct account ids, not with the accounts' data.
 *
 * Order: businesses start in the order given, each reads its edges in turn (the owned edge first) and
 * emits in the order Graph returned them; with `concurrency` above 1, businesses interleave as their
 * answers arrive. Nothing is held back to sort.
 *
 * Resume: a business in `done` is not read. A read emits every account of the businesses it reads once,
 * so an account emitted by an interrupted read is emitted again after resuming exactly when a business
 * not in `done` manages it; an account of a done business was emitted before its `BusinessDone`.
 *
 * @example
 * ```ts
 * import { ManagedAccounts } from "@effect-waba/waba"
 * import { Effect, Stream } from "effect"
 *
 * // `done`: the business ids of the BusinessDone elements an interrupted run persisted.
 * const resume = (ids: ReadonlyArray<string>, done: ReadonlySet<string>) =>
 *   ManagedAccounts.stream(ids, { done, concurrency: 32 }).pipe(
 *     Stream.runForEach((result) =>
 *       result._tag === "BusinessDone" ? Effect.log(`done: ${result.businessId}`) : Effect.void
 *     )
 *   )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const stream: Read<"stream"> = (businessIds, options) =>
  Either.match(planOf(businessIds, options), { onLeft: Stream.fail, onRight: (plan) => fanOut(plan, false) }) as any

/**
 * {@link stream}, with a `SeenAgain` for every further sighting of an account: one element per
 * (account, business, edge) sighting — the account's data on the first (its `Account`), its id and
 * source on the others, which always come after it. For callers who need every business an account is
 * managed from, without holding accounts until the end.
 *
 * @since 0.1.0
 * @category streams
 */
export const sightings: Read<"sightings"> = (businessIds, options) =>
  Either.match(planOf(businessIds, options), { onLeft: Stream.fail, onRight: (plan) => fanOut(plan, true) }) as any

const merged = (plan: Plan) =>
  Effect.suspend(() => {
    const accounts = FanOut.merger<unknown>(plan.businessIds)
    const failures: Array<Failure> = []
    return Stream.runForEach(fanOut(plan, true), (element) =>
      Effect.sync(() =>
        Element.$match(element, {
          Account: ({ account, firstSeenOn }) => accounts.add(account.id, firstSeenOn, account),
          SeenAgain: ({ accountId, seenOn }) => accounts.add(accountId, seenOn),
          Failure: (failure) => void failures.push(failure),
          BusinessDone: () => undefined
        })
      )).pipe(Effect.map(() => ({ accounts: accounts.result(), failures })))
  })

/**
 * Every account with all of its sources, and every failure, collected. Accounts come in the order of
 * their first source: the businesses as given, the owned edge first, then as that read returned them.
 * Holds everything until the end; prefer {@link stream} for many businesses.
 *
 * @since 0.1.0
 * @category constructors
 */
export const all: Read<"all"> = (businessIds, options) =>
  Either.match(planOf(businessIds, options), { onLeft: Effect.fail, onRight: merged }) as any

/**
 * A type guard for emitted accounts, e.g. `Stream.filter(ManagedAccounts.isAccount)`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAccount = <A>(result: Result<A> | SeenAgain): result is Account<A> => result._tag === "Account"
