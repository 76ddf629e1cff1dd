/**
 * `GET /{business-id}/owned_whatsapp_business_accounts` as an Effect `Stream`: every WhatsApp Business
 * Account a business owns, fetched lazily page by page, typed by the fields you ask for.
 *
 * Paging follows Graph's rules: the stream ends only when a page has no `paging.next`, an empty page
 * with `next` does not end it, and every page is requested with the same auth, `appsecret_proof`,
 * fields, filter, sort and page size as the first (the client never replays the server's `next` URL,
 * which drops `appsecret_proof` and may carry a token).
 *
 * @example
 * ```ts
 * import { Filter, OwnedAccounts } from "@effect-waba/waba"
 * import { Effect, Stream } from "effect"
 *
 * const recent = OwnedAccounts.stream("1234567890", {
 *   fields: ["name", "creation_time", "ownership_type"],
 *   filtering: Filter.creationTime.greaterThan(new Date("2024-01-01")),
 *   sort: "creation_time_descending"
 * })
 * // Stream<{ id: string; name?: string; creation_time?: Date; ownership_type?: ... }, GraphError | InvalidRequestError, GraphClient>
 * const names = recent.pipe(Stream.map((a) => a.name), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 */
import type { GraphUsage } from "@effect-waba/graph-core"
import { GraphClient, GraphError, InvalidRequestError, Redaction } from "@effect-waba/graph-core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Types from "effect/Types"
import * as Filter from "./Filter.js"
import * as Node from "./WhatsAppBusinessAccount.js"

/**
 * The route template: it names spans and appears in errors.
 *
 * @since 0.1.0
 * @category constants
 */
export const route = "/{business-id}/owned_whatsapp_business_accounts"

/**
 * @since 0.1.0
 * @category models
 */
export type Sort = "creation_time_ascending" | "creation_time_descending"

/**
 * The largest page Graph serves on this edge.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxLimit = 100

/**
 * @since 0.1.0
 * @category models
 */
export interface Options<F extends ReadonlyArray<Node.Field>, X extends string> {
  /** The fields to read; the element type has exactly these plus `id`. Omit for Graph's default fields. */
  readonly fields?: F | undefined
  /**
   * Fields this library does not know yet (Meta adds them often). Requested as given and typed
   * `unknown`; decode them yourself.
   */
  readonly extraFields?: ReadonlyArray<X> | undefined
  /** One clause or several, all of which must hold. */
  readonly filtering?: Filter.Filter | ReadonlyArray<Filter.Filter> | undefined
  readonly sort?: Sort | undefined
  /** Page size, 1–100. Graph's default (25) when omitted. */
  readonly limit?: number | undefined
  /** Resume after this cursor: a page's `nextAfter`, or an error's `resumeAfter`. */
  readonly after?: string | undefined
  /**
   * Fetch ahead while the consumer works on the current page: `true` for one page ahead, or a number
   * of pages (1–16). Off by default, so that taking the first N accounts never fetches a page past them.
   */
  readonly prefetch?: boolean | number | undefined
}

/**
 * An account with the requested fields.
 *
 * @since 0.1.0
 * @category models
 */
export type Account<F extends Node.Field, X extends string = never> = [X] extends [never] ? Node.Selected<F>
  : Types.Simplify<Node.Selected<F> & { readonly [K in X]?: unknown }>

/**
 * The element type for given options.
 *
 * @since 0.1.0
 * @category models
 */
export type AccountOf<F extends ReadonlyArray<Node.Field>, X extends string> = Account<F[number], X>

/**
 * One page, for callers who checkpoint.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page<A> {
  /** 1 for the first page of this read. */
  readonly number: number
  readonly accounts: ReadonlyArray<A>
  readonly cursors: { readonly before?: string | undefined; readonly after?: string | undefined }
  /** Whether another page follows (`paging.next` was present). */
  readonly hasNext: boolean
  /**
   * The cursor to pass as `after` to continue after this page: a checkpoint. `undefined` on the last page.
   */
  readonly nextAfter: string | undefined
  /**
   * Graph's `paging.next` / `paging.previous` links, for display and debugging, with any credential in
   * them (`access_token`, `appsecret_proof`) masked. The client does not follow them.
   */
  readonly links: { readonly next?: string | undefined; readonly previous?: string | undefined }
  readonly usage: GraphUsage.GraphUsage
  readonly fbtraceId: string | undefined
}

/**
 * What a read can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type OwnedAccountsError = GraphClient.GraphClientError

const Paging = Schema.Struct({
  cursors: Schema.optional(Schema.Struct({
    before: Schema.optional(Schema.String),
    after: Schema.optional(Schema.String)
  })),
  next: Schema.optional(Schema.String),
  previous: Schema.optional(Schema.String)
})

const invalid = (parameter: string, message: string) => new InvalidRequestError({ parameter, message })

const businessIdPattern = /^[0-9]{1,25}$/
const extraFieldPattern = /^[a-z][a-z0-9_]{0,63}$/
// eslint-disable-next-line no-control-regex
const cursorForbidden = /[\s\u0000-\u001f\u007f]/

interface Prepared {
  readonly query: Readonly<Record<string, string>>
  readonly after: string | undefined
  readonly prefetch: number
  readonly accountSchema: Schema.Schema<unknown, unknown>
}

const describe = (value: unknown) => {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

const prepare = (
  businessId: unknown,
  options: Options<ReadonlyArray<Node.Field>, string>
): Either.Either<Prepared, InvalidRequestError> => {
  if (typeof businessId !== "string" || !businessIdPattern.test(businessId)) {
    return Either.left(invalid(
      "businessId",
      `businessId must be a numeric Graph id (1 to 25 digits, as in Business Settings > Business Info), got ${
        describe(businessId)
      }.`
    ))
  }
  const query: Record<string, string> = {}

  const requested: Array<string> = []
  const fieldSchemas: Record<string, Schema.Struct.Field> = {}
  if (options.fields !== undefined || options.extraFields !== undefined) {
    const fields = options.fields ?? []
    const extra = options.extraFields ?? []
    if (!Array.isArray(fields) || !Array.isArray(extra)) {
      return Either.left(invalid("fields", "fields and extraFields must be lists of field names."))
    }
    if (fields.length === 0 && extra.length === 0) {
      return Either.left(
        invalid("fields", "fields is an empty list; name at least one field, or leave it out for the defaults.")
      )
    }
    for (const field of fields as ReadonlyArray<unknown>) {
      if (typeof field !== "string" || !Node.isField(field)) {
        return Either.left(invalid(
          "fields",
          `${describe(field)} is not a field of WhatsAppBusinessAccount; known fields are ${
            Node.fields.join(", ")
          } (use extraFields for one Meta added recently).`
        ))
      }
      if (requested.includes(field)) return Either.left(invalid("fields", `fields names "${field}" twice.`))
      requested.push(field)
      fieldSchemas[field] = Node.WhatsAppBusinessAccount.fields[field]
    }
    for (const field of extra as ReadonlyArray<unknown>) {
      if (typeof field !== "string" || !extraFieldPattern.test(field)) {
        return Either.left(invalid(
          "extraFields",
          `${describe(field)} is not a valid field name (lower case letters, digits and underscores).`
        ))
      }
      if (Node.isField(field)) {
        return Either.left(invalid("extraFields", `"${field}" is a known field; put it in fields to get it typed.`))
      }
      if (requested.includes(field)) return Either.left(invalid("extraFields", `extraFields names "${field}" twice.`))
      requested.push(field)
      fieldSchemas[field] = Schema.optional(Schema.Unknown)
    }
    // Graph always returns `id`; asking for it keeps the request explicit.
    query.fields = ["id", ...requested.filter((f) => f !== "id")].join(",")
  } else {
    for (const field of Node.defaultFields) fieldSchemas[field] = Node.WhatsAppBusinessAccount.fields[field]
  }
  fieldSchemas.id = Node.WhatsAppBusinessAccount.fields.id

  if (options.filtering !== undefined) {
    const filters = Filter.validate(options.filtering)
    if (Either.isLeft(filters)) return Either.left(filters.left)
    query.filtering = Filter.encode(filters.right)
  }

  if (options.sort !== undefined) {
    if (options.sort !== "creation_time_ascending" && options.sort !== "creation_time_descending") {
      return Either.left(invalid(
        "sort",
        `sort must be "creation_time_ascending" or "creation_time_descending", got ${describe(options.sort)}.`
      ))
    }
    query.sort = options.sort
  }

  if (options.limit !== undefined) {
    const limit = options.limit
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
      return Either.left(
        invalid("limit", `limit must be a whole number from 1 to ${maxLimit}, got ${describe(limit)}.`)
      )
    }
    query.limit = String(limit)
  }

  if (options.after !== undefined) {
    const after = options.after
    if (typeof after !== "string" || after.length === 0 || after.length > 4096 || cursorForbidden.test(after)) {
      return Either.left(invalid(
        "after",
        "after must be a cursor as Graph returned it (non-empty, no whitespace, at most 4096 characters)."
      ))
    }
  }

  let prefetch = 0
  if (options.prefetch !== undefined && options.prefetch !== false) {
    prefetch = options.prefetch === true ? 1 : options.prefetch
    if (typeof prefetch !== "number" || !Number.isInteger(prefetch) || prefetch < 1 || prefetch > 16) {
      return Either.left(
        invalid(
          "prefetch",
          `prefetch must be true, false or a whole number from 1 to 16, got ${describe(options.prefetch)}.`
        )
      )
    }
  }

  return Either.right({
    query,
    after: options.after,
    prefetch,
    // Built from the node schema's own field schemas; every one of them needs no context.
    accountSchema: Schema.Struct(fieldSchemas) as unknown as Schema.Schema<unknown, unknown>
  })
}

/**
 * Checks a business id and options the way a read would, without reading: the `InvalidRequestError` a
 * read would fail with, or nothing.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (
  businessId: string,
  options: Options<ReadonlyArray<Node.Field>, string> = {}
): Option.Option<InvalidRequestError> => Either.getLeft(prepare(businessId, options))

// How many pages in a row may point `next` at the cursor they were fetched with before we call it a
// loop. One repeat can be a server that had nothing ready yet; several cannot.
const maxStalledPages = 3

// Graph's `next` link carries the cursor to continue with; fall back to `cursors.after`.
const nextCursor = (next: string, cursors: { readonly after?: string | undefined } | undefined) => {
  try {
    const fromLink = new URL(next).searchParams.get("after")
    if (fromLink !== null && fromLink !== "") return fromLink
  } catch {
    // not a URL; use the cursor
  }
  return cursors?.after
}

const readPages = <A>(
  businessId: string,
  prepared: Prepared
): Stream.Stream<Page<A>, OwnedAccountsError, GraphClient.GraphClient> => {
  const PageBody = Schema.Struct({
    data: Schema.Array(prepared.accountSchema as Schema.Schema<A, unknown>),
    paging: Schema.optional(Paging)
  })
  const params = { "business-id": businessId }

  interface State {
    readonly after: string | undefined
    readonly number: number
    /** Pages in a row whose `next` pointed at the cursor they were fetched with. */
    readonly stalled: number
  }

  const fetch = (state: State) =>
    GraphClient.get({
      route,
      params,
      query: state.after === undefined ? prepared.query : { ...prepared.query, after: state.after },
      schema: PageBody,
      usageKey: businessId
    }).pipe(
      Effect.flatMap((response): Effect.Effect<readonly [Page<A>, Option.Option<State>], GraphError.GraphError> => {
        const { data, paging } = response.body
        const hasNext = paging?.next !== undefined
        const nextAfter = hasNext ? nextCursor(paging.next!, paging.cursors) : undefined
        const stalled = hasNext && nextAfter === state.after ? state.stalled + 1 : 0
        if (hasNext && (nextAfter === undefined || stalled >= maxStalledPages)) {
          // A `next` we cannot follow, or one that keeps fetching the same page: paging would never end.
          return Effect.fail(
            new GraphError.GraphDecodeError({
              message: nextAfter === undefined
                ? `${route} page ${state.number} has paging.next but no cursor to continue with.`
                : `${route} returned the same cursor ${stalled} times in a row; paging would never end.`,
              route,
              httpStatus: response.status,
              attempts: response.attempts,
              ...(response.fbtraceId !== undefined ? { fbtraceId: response.fbtraceId } : {})
            })
          )
        }
        const page: Page<A> = {
          number: state.number,
          accounts: data,
          cursors: { before: paging?.cursors?.before, after: paging?.cursors?.after },
          hasNext,
          nextAfter,
          links: {
            next: paging?.next === undefined ? undefined : Redaction.scrubUrl(paging.next),
            previous: paging?.previous === undefined ? undefined : Redaction.scrubUrl(paging.previous)
          },
          usage: response.usage,
          fbtraceId: response.fbtraceId
        }
        return Effect.succeed(
          [
            page,
            hasNext ? Option.some({ after: nextAfter, number: state.number + 1, stalled }) : Option.none()
          ] as const
        )
      }),
      Effect.mapError((error) =>
        GraphError.isGraphError(error) ? GraphError.withResumeAfter(error, state.after) : error
      ),
      Effect.withSpan("OwnedAccounts.page", {
        attributes: { "graph.page": state.number, "graph.business_id": businessId }
      })
    )

  const pages = Stream.paginateEffect<State, Page<A>, OwnedAccountsError, GraphClient.GraphClient>(
    { after: prepared.after, number: 1, stalled: 0 },
    fetch
  )
  return prepared.prefetch > 0 ? Stream.buffer(pages, { capacity: prepared.prefetch }) : pages
}

/**
 * Every page of a business's owned accounts, lazily. Use it to checkpoint: store a page's `nextAfter`
 * once its accounts are handled, and pass it as `after` to resume.
 *
 * @since 0.1.0
 * @category streams
 */
export const pages = <
  const F extends ReadonlyArray<Node.Field> = typeof Node.defaultFields,
  const X extends string = never
>(
  businessId: string,
  options?: Options<F, X> | undefined
): Stream.Stream<Page<AccountOf<F, X>>, OwnedAccountsError, GraphClient.GraphClient> =>
  // `prepare` is pure, so the options are checked when the stream is built and the result is the stream
  // itself: wrapping it in `Stream.unwrap(Effect.succeed(...))` cost about an eighth of a one-page read.
  Either.match(prepare(businessId, options ?? {}), {
    onLeft: (error) => Stream.fail(error),
    onRight: (prepared) => readPages<AccountOf<F, X>>(businessId, prepared)
  })

/**
 * Every account a business owns, lazily, in the order Graph returns them. Taking the first N
 * (`Stream.take`) requests no page beyond the one holding the Nth account (without `prefetch`).
 *
 * A failure mid-stream is the typed graph-core error with `resumeAfter` set: pass it as `after` to
 * continue with nothing lost or repeated.
 *
 * @since 0.1.0
 * @category streams
 */
export const stream = <
  const F extends ReadonlyArray<Node.Field> = typeof Node.defaultFields,
  const X extends string = never
>(
  businessId: string,
  options?: Options<F, X> | undefined
): Stream.Stream<AccountOf<F, X>, OwnedAccountsError, GraphClient.GraphClient> =>
  Stream.mapConcat(pages(businessId, options), (page) => page.accounts)

/**
 * Every account, collected. Convenient for small businesses; prefer {@link stream} for large ones.
 *
 * @since 0.1.0
 * @category constructors
 */
export const all = <
  const F extends ReadonlyArray<Node.Field> = typeof Node.defaultFields,
  const X extends string = never
>(
  businessId: string,
  options?: Omit<Options<F, X>, "prefetch"> | undefined
): Effect.Effect<ReadonlyArray<AccountOf<F, X>>, OwnedAccountsError, GraphClient.GraphClient> =>
  Effect.map(Stream.runCollect(stream(businessId, options)), (chunk) => Array.from(chunk))
