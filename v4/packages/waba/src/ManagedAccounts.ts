/**
 * The agency job on Effect 4: every WhatsApp Business Account a set of businesses manages — the ones each
 * owns and the ones shared with it — read with bounded concurrency, each business as itself
 * (`GraphCredentials.asBusiness`: its own token when credentials are provided), and streamed as it is read.
 * - An `Account` is emitted once, however many businesses and edges it is seen on, as soon as it is
 *   complete (with its phone numbers, when asked for); memory grows with the number of ids, not accounts.
 * - A `Failure` per failed read of a business's edge: that edge stops, the rest goes on.
 * - A `BusinessDone` once all of a business's accounts were emitted (by it, or by another business that
 *   manages them too) and none of its reads failed: persist its id to resume with `done`.
 *
 * @since 1.0.0
 */
import { GraphCredentials, InvalidRequestError } from "@effect-waba/graph-core"
import type { GraphClient } from "@effect-waba/graph-core"
import * as Stream from "effect/Stream"
import * as ClientAccounts from "./ClientAccounts.js"
import * as Read from "./internal/read.js"
import * as OwnedAccounts from "./OwnedAccounts.js"
import * as PhoneNumber from "./PhoneNumber.js"
import * as WhatsAppBusinessAccount from "./WhatsAppBusinessAccount.js"

/**
 * The two edges a business's accounts come from.
 *
 * @since 1.0.0
 * @category models
 */
export type EdgeName = "owned" | "client"

/**
 * Where an account was first seen: a business and an edge of it.
 *
 * @since 1.0.0
 * @category models
 */
export interface Source {
  readonly businessId: string
  readonly edge: EdgeName
}

/**
 * An account, once per read.
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
 * A failed read of a business's edge (its pages, or the phone numbers of an account first seen there). The
 * error names the business, never its token.
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
 * Every account of the business has been emitted, and none of its reads failed.
 *
 * @since 1.0.0
 * @category models
 */
export interface BusinessDone {
  readonly _tag: "BusinessDone"
  readonly businessId: string
}

/**
 * @since 1.0.0
 * @category models
 */
export type Result<A> = Account<A> | Failure | BusinessDone

/**
 * @since 1.0.0
 * @category models
 */
export interface Options<F extends WhatsAppBusinessAccount.Field, P extends PhoneNumber.Field> {
  /** The account fields to read (`id` always comes); Graph's defaults when absent. */
  readonly fields?: ReadonlyArray<F> | undefined
  /** Read each account's phone numbers too, with these fields, into `phone_numbers`. */
  readonly phoneNumbers?: { readonly fields?: ReadonlyArray<P> | undefined } | undefined
  /** Which edges to read; both by default. */
  readonly edges?: ReadonlyArray<EdgeName> | undefined
  /** The page size: 1 to 100, default 100 (Graph's default of 25 costs 4× the requests). */
  readonly limit?: number | undefined
  /** How many businesses are read at once: 1 to 64, default 8. Each makes one request at a time. */
  readonly concurrency?: number | undefined
  /** Businesses done in an earlier, interrupted read (the ids of its `BusinessDone`s): not read again. */
  readonly done?: Iterable<string> | undefined
}

/**
 * An account as the fan-out emits it: the fields asked for, and its phone numbers when asked for.
 *
 * @since 1.0.0
 * @category models
 */
export type ManagedAccount<F extends WhatsAppBusinessAccount.Field, P extends PhoneNumber.Field> =
  & WhatsAppBusinessAccount.Selected<F>
  & ([P] extends [never] ? {} : { readonly phone_numbers: ReadonlyArray<PhoneNumber.Selected<P>> })

/**
 * The most business ids one read takes.
 *
 * @since 1.0.0
 * @category constants
 */
export const maxBusinesses = 100_000

const invalid = (parameter: string, message: string) => new InvalidRequestError({ parameter, message })

const isWholeIn = (value: unknown, low: number, high: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= low && value <= high

// The options checked before any request: the first problem, or what the read needs.
const checked = (businessIds: unknown, options: Options<any, any>) => {
  const ids = typeof businessIds === "object" && businessIds !== null && Symbol.iterator in businessIds
    ? [...new Set(businessIds as Iterable<unknown>)]
    : undefined
  if (ids === undefined || ids.length === 0 || ids.length > maxBusinesses) {
    return invalid("businessIds", `businessIds must hold 1 to ${maxBusinesses} business ids.`)
  }
  const bad = ids.find((id) => typeof id !== "string" || !/^\d{1,20}$/.test(id))
  if (bad !== undefined) return invalid("businessIds", `${JSON.stringify(bad)} is not a numeric Graph business id.`)
  const { concurrency = 8, edges = ["owned", "client"], limit = 100 } = options
  if (!isWholeIn(concurrency, 1, 64)) return invalid("concurrency", "concurrency must be a whole number from 1 to 64.")
  if (!Array.isArray(edges) || edges.length === 0 || edges.some((edge) => edge !== "owned" && edge !== "client")) {
    return invalid("edges", "edges must list \"owned\", \"client\" or both.")
  }
  const accounts = Read.check(WhatsAppBusinessAccount.declaration, { fields: options.fields, limit }, 100)
  if (accounts instanceof InvalidRequestError) return accounts
  const phones = options.phoneNumbers === undefined
    ? undefined
    : Read.check(PhoneNumber.declaration, { fields: options.phoneNumbers.fields }, Infinity)
  if (phones instanceof InvalidRequestError) return phones
  const done = new Set(options.done ?? [])
  return {
    ids: (ids as Array<string>).filter((id) => !done.has(id)),
    concurrency,
    edges: [...new Set(edges)],
    accounts,
    phones
  }
}

/**
 * Every account the businesses manage, each once, with failures and completions along the way.
 *
 * @since 1.0.0
 * @category streams
 */
export const stream = <
  const F extends WhatsAppBusinessAccount.Field = WhatsAppBusinessAccount.Field,
  const P extends PhoneNumber.Field = never
>(
  businessIds: Iterable<string>,
  options: Options<F, P> = {}
): Stream.Stream<Result<ManagedAccount<F, P>>, InvalidRequestError, GraphClient.GraphClient> => {
  const plan = checked(businessIds, options)
  if (plan instanceof InvalidRequestError) return Stream.fail(plan)
  type A = ManagedAccount<F, P>
  // The ids emitted so far: an account arrives complete (with its phone numbers) from its edge read, and is
  // emitted by the first read to reach it.
  const seen = new Set<string>()
  const take = (account: { readonly id: string }, source: Source): Result<A> | undefined => {
    if (seen.has(account.id)) return undefined
    seen.add(account.id)
    return { _tag: "Account", account: account as unknown as A, firstSeenOn: source }
  }

  const business = (businessId: string): Stream.Stream<Result<A>, never, GraphClient.GraphClient> => {
    let failed = false
    const edge = (name: EdgeName) => {
      const read = name === "owned" ? OwnedAccounts.stream : ClientAccounts.stream
      // The phone numbers come inside the account pages (an account with more has the rest read after it).
      const expand = plan.phones === undefined ? undefined : { phone_numbers: { fields: plan.phones.fields } }
      const accounts = read(businessId, {
        fields: plan.accounts.fields,
        limit: plan.accounts.limit,
        expand
      }) as Stream.Stream<
        { readonly id: string },
        GraphClient.GraphClientError,
        GraphClient.GraphClient
      >
      return accounts.pipe(
        Stream.map((account) => take(account, { businessId, edge: name })),
        Stream.filter((result): result is Result<A> => result !== undefined),
        Stream.catch((error) => {
          failed = true
          return Stream.succeed<Result<A>>({ _tag: "Failure", businessId, edge: name, error })
        })
      )
    }
    const finished = Stream.suspend(() =>
      failed ? Stream.empty : Stream.succeed<Result<A>>({ _tag: "BusinessDone", businessId })
    )
    return Stream.concat(Stream.flatMap(Stream.fromIterable(plan.edges), edge), finished).pipe(
      GraphCredentials.asBusiness(businessId)
    )
  }

  return Stream.flatMap(Stream.fromIterable(plan.ids), business, { concurrency: plan.concurrency })
}
