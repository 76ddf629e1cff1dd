/**
 * Meta's webhooks for WhatsApp Business Accounts, applied to the inventory: an `HttpApp` to mount in your
 * own server, at the callback URL you gave Meta.
 *
 * - `GET` answers the subscription handshake: `hub.mode=subscribe` with your verify token gets
 *   `hub.challenge` back; anything else a 403.
 * - `POST` takes a delivery. Its `X-Hub-Signature-256` must be the HMAC-SHA256 of the raw body keyed by the
 *   app secret (checked with Web Crypto, in constant time): a missing or wrong signature is a 401 and
 *   nothing is applied. A body that is not the webhook envelope is a 400. A delivery Meta sends again (it
 *   retries) is applied once: the body's digest is stored with it.
 * - Every change of the envelope is recorded as a `webhook` change (`kind: "event"`, `field` the webhook
 *   field, the value as sent), unknown fields and events included.
 * - An event that carries the new state is applied as it is: `account_review_update` sets the account's
 *   `account_review_status`.
 * - An event that does not is followed by a targeted re-read of its account, when a `GraphClient` is in
 *   context: `phone_number_quality_update` (it names the number and maybe its tier, not its quality
 *   rating), `phone_number_name_update` (the decision, not the number's name and status as they end up),
 *   `business_capability_update` (a limit, not the account's fields) and `account_update` (an event), except
 *   `ACCOUNT_DELETED`, `PARTNER_REMOVED` and `ACCOUNT_OFFBOARDED`: an account that left may no longer be
 *   readable, and whether a business still sees it is for a sync to say. The account is read once per
 *   delivery (`GET /{waba-id}` with its phone numbers, the fields a sync keeps), as a business that sees it
 *   in the store (its owner first), with that business's credentials when a `GraphCredentials` is in
 *   context, as a sync reads it; what differs from the store is written and recorded as `account` and
 *   `phone_number` changes, as a sync would (a number missing from the read is removed). An account the
 *   store does not hold is not read: the next sync finds it.
 * - Without a `GraphClient` (or with `reread: false`), or when the re-read fails, the fields an event
 *   carries are applied instead: a quality update's `current_limit` sets the number's
 *   `messaging_limit_tier`, an approved name update its `verified_name`. A failed re-read is recorded too,
 *   as a `webhook` change of `kind` `failed` naming the account and the error, and the delivery is still
 *   answered 200: its events are stored and the next sync reads what the re-read could not. A 5xx would
 *   have Meta send the same bytes again for hours, while what makes a re-read fail (a revoked token, a
 *   withdrawn permission, an account gone, a business throttled for an hour) usually outlasts its retries,
 *   each of which would spend the business's rate budget again.
 *
 * @example
 * ```ts
 * import { Migrations, Webhooks } from "@effect-waba/inventory"
 * import { HttpServer } from "@effect/platform"
 * import { NodeHttpServer } from "@effect/platform-node"
 * import { SqliteClient } from "@effect/sql-sqlite-node"
 * import { Config, Layer } from "effect"
 * import { createServer } from "node:http"
 *
 * const App = Webhooks.app({
 *   verifyToken: Config.redacted("WEBHOOK_VERIFY_TOKEN"),
 *   appSecret: Config.redacted("GRAPH_APP_SECRET")
 * })
 *
 * export const Main = HttpServer.serve(App).pipe(
 *   Layer.provide(NodeHttpServer.layer(createServer, { port: 8080 })),
 *   Layer.provide(Migrations.layer.pipe(Layer.provideMerge(SqliteClient.layer({ filename: "waba.db" }))))
 * )
 * ```
 *
 * @since 0.1.0
 */
import type { GraphRead, InvalidRequestError } from "@effect-waba/graph-core"
import { GraphClient, GraphCredentials } from "@effect-waba/graph-core"
import type { PhoneNumber } from "@effect-waba/waba"
import { WhatsAppBusinessAccount } from "@effect-waba/waba"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { Fields } from "./internal/fields.js"
import { decode, diff, encode, fieldsOf, toJson } from "./internal/fields.js"
import type { ChangeRow, Item, ReadAccount } from "./internal/store.js"
import { fieldChange, insertChanges, readAccountOf, writeAccounts } from "./internal/store.js"
import { defaultAccountFields, defaultPhoneNumberFields } from "./Inventory.js"

// -----------------------------------------------------------------------------
// schemas
// -----------------------------------------------------------------------------

/**
 * One change of an entry: the subscribed field and its value, kept as sent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Change = Schema.Struct({ field: Schema.String, value: Schema.Unknown })

/**
 * One entry: the WhatsApp Business Account the changes are about.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Entry = Schema.Struct({
  id: Schema.String,
  time: Schema.optional(Schema.Number),
  changes: Schema.Array(Change)
})

/**
 * A delivery's body.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Envelope = Schema.Struct({ object: Schema.String, entry: Schema.Array(Entry) })

/**
 * @since 0.1.0
 * @category models
 */
export type Envelope = typeof Envelope.Type

// Integers in some of Meta's pages, `TIER_*` strings in others.
const Limit = Schema.Union(Schema.Number, Schema.String)

/**
 * `account_update`: something happened to the account (`event`), with details by event.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AccountUpdate = Schema.Struct({
  event: Schema.String,
  waba_info: Schema.optional(Schema.Struct({
    waba_id: Schema.optional(Schema.String),
    owner_business_id: Schema.optional(Schema.String)
  })),
  ban_info: Schema.optional(Schema.Struct({
    waba_ban_state: Schema.optional(Schema.Union(Schema.String, Schema.Array(Schema.String))),
    waba_ban_date: Schema.optional(Schema.String)
  })),
  restriction_info: Schema.optional(Schema.Array(Schema.Struct({
    restriction_type: Schema.String,
    expiration: Schema.optional(Schema.Union(Schema.String, Schema.Number))
  }))),
  violation_info: Schema.optional(Schema.Unknown)
})

/**
 * `account_review_update`: the account's review decision.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AccountReviewUpdate = Schema.Struct({ decision: Schema.String })

/**
 * `phone_number_quality_update`: a number's quality or limit moved. Keyed by the display number.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PhoneNumberQualityUpdate = Schema.Struct({
  display_phone_number: Schema.String,
  event: Schema.String,
  current_limit: Schema.optional(Schema.String),
  old_limit: Schema.optional(Schema.String),
  max_daily_conversations_per_business: Schema.optional(Limit)
})

/**
 * `phone_number_name_update`: the review of a number's display name. Keyed by the display number.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PhoneNumberNameUpdate = Schema.Struct({
  display_phone_number: Schema.String,
  decision: Schema.String,
  requested_verified_name: Schema.optional(Schema.String),
  rejection_reason: Schema.optional(Schema.NullOr(Schema.String))
})

/**
 * `business_capability_update`: the business's limits.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BusinessCapabilityUpdate = Schema.Struct({
  max_daily_conversations_per_business: Schema.optional(Limit),
  max_phone_numbers_per_business: Schema.optional(Limit),
  max_phone_numbers_per_waba: Schema.optional(Limit)
})

// -----------------------------------------------------------------------------
// signatures
// -----------------------------------------------------------------------------

const encoder = new TextEncoder()

const importKey = (secret: Redacted.Redacted<string>, usage: "sign" | "verify") =>
  globalThis.crypto.subtle.importKey(
    "raw",
    encoder.encode(Redacted.value(secret)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage]
  )

// Importing a key costs more than the HMAC of a delivery: an app imports its secret's key once, and again
// only when the configured secret changes.
const verifyingKey = () => {
  let last: { readonly secret: Redacted.Redacted<string>; readonly key: Promise<CryptoKey> } | undefined
  return (secret: Redacted.Redacted<string>) =>
    Effect.promise(() => {
      if (last === undefined || !Equal.equals(last.secret, secret)) last = { secret, key: importKey(secret, "verify") }
      return last.key
    })
}

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("")

/**
 * The `X-Hub-Signature-256` header Meta sends with `body`: for tests, and for relaying deliveries.
 *
 * @since 0.1.0
 * @category signatures
 */
export const signature = (
  body: string | Uint8Array,
  appSecret: Redacted.Redacted<string>
): Effect.Effect<string> =>
  Effect.promise(async () => {
    const key = await importKey(appSecret, "sign")
    const mac = await globalThis.crypto.subtle.sign(
      "HMAC",
      key,
      typeof body === "string" ? encoder.encode(body) : new Uint8Array(body)
    )
    return `sha256=${hex(mac)}`
  })

const parseSignature = (header: string | undefined): Uint8Array<ArrayBuffer> | undefined => {
  const match = header === undefined ? null : /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim())
  if (match === null) return undefined
  const bytes = new Uint8Array(32)
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(match[1]!.slice(i * 2, i * 2 + 2), 16)
  return bytes
}

// Equal strings, in time that does not depend on where they differ.
const sameText = (a: string, b: string) => {
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  let difference = x.length ^ y.length
  for (let i = 0; i < x.length; i++) difference |= x[i]! ^ (y[i % Math.max(y.length, 1)] ?? 0)
  return difference === 0
}

// -----------------------------------------------------------------------------
// applying a delivery
// -----------------------------------------------------------------------------

const digits = (phone: string) => phone.replace(/[^0-9]/g, "")

const decodeReview = Schema.decodeUnknownOption(AccountReviewUpdate)
const decodeQuality = Schema.decodeUnknownOption(PhoneNumberQualityUpdate)
const decodeName = Schema.decodeUnknownOption(PhoneNumberNameUpdate)

interface Stored {
  readonly id: string
  readonly data: string
}

// What a change sets of a record the store keeps, by the WABA it is about: the record and the fields.
const updateOf = (wabaId: string, change: typeof Change.Type) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const number = (display: string, set: Fields) =>
      Effect.map(
        sql<Stored & { display_phone_number: string | null }>`SELECT id, display_phone_number, data
          FROM inventory_phone_numbers WHERE account_id = ${wabaId} AND removed_at IS NULL`,
        (rows) => {
          const row = rows.find((row) =>
            row.display_phone_number !== null && digits(row.display_phone_number) === digits(display)
          )
          return row === undefined ? undefined : { entity: "phone_number" as const, row, set }
        }
      )
    switch (change.field) {
      case "account_review_update": {
        const decoded = decodeReview(change.value)
        if (Option.isNone(decoded)) return undefined
        const [row] = yield* sql<Stored>`SELECT id, data FROM inventory_accounts WHERE id = ${wabaId}
          AND removed_at IS NULL`
        return row === undefined
          ? undefined
          : { entity: "account" as const, row, set: { account_review_status: decoded.value.decision } }
      }
      case "phone_number_quality_update": {
        const decoded = decodeQuality(change.value)
        if (Option.isNone(decoded) || decoded.value.current_limit === undefined) return undefined
        return yield* number(decoded.value.display_phone_number, { messaging_limit_tier: decoded.value.current_limit })
      }
      case "phone_number_name_update": {
        const decoded = decodeName(change.value)
        if (
          Option.isNone(decoded) || decoded.value.decision !== "APPROVED" ||
          decoded.value.requested_verified_name === undefined
        ) return undefined
        return yield* number(decoded.value.display_phone_number, {
          verified_name: decoded.value.requested_verified_name
        })
      }
      default:
        // account_update and business_capability_update carry events and limits, not fields the store
        // keeps: they are recorded as they came.
        return undefined
    }
  })

// Sets the fields a change carries on its stored record, recording those that differ.
const applyUpdate = (
  update: { readonly entity: "account" | "phone_number"; readonly row: Stored; readonly set: Fields },
  wabaId: string,
  at: string
) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { entity, row, set } = update
    const before = decode(row.data) as Fields
    // Keys sorted as a sync writes them, so that the next sync compares the text alone.
    const after = fieldsOf({ ...before, ...set }, [])
    const changes = diff(before, after)
    if (changes.length === 0) return []
    const columns: Record<string, string | null> = {}
    for (const [name, value] of Object.entries(set)) columns[name] = typeof value === "string" ? value : null
    const table = entity === "account" ? "inventory_accounts" : "inventory_phone_numbers"
    yield* sql`UPDATE ${sql(table)} SET ${sql.update({ ...columns, data: encode(after), updated_at: at })}
      WHERE id = ${row.id}`
    return changes.map((change) => fieldChange(entity, row.id, wabaId, null, change))
  })

// The account_update events after which the account may no longer be readable.
const accountLeft = new Set(["ACCOUNT_DELETED", "PARTNER_REMOVED", "ACCOUNT_OFFBOARDED"])

/**
 * Whether a change is followed by a re-read of its account: it does not carry the new state (see the
 * module's documentation).
 *
 * @since 0.1.0
 * @category applying
 */
export const needsReread = (change: typeof Change.Type): boolean => {
  switch (change.field) {
    case "phone_number_quality_update":
    case "phone_number_name_update":
    case "business_capability_update":
      return true
    case "account_update": {
      const decoded = Schema.decodeUnknownOption(AccountUpdate)(change.value)
      return Option.isSome(decoded) && !accountLeft.has(decoded.value.event)
    }
    default:
      return false
  }
}

/**
 * How accounts are re-read. Give the fields your sync keeps, so that a re-read and the next sync agree.
 *
 * @since 0.1.0
 * @category models
 */
export interface RereadOptions {
  /** Default `Inventory.defaultAccountFields`. */
  readonly accountFields?: ReadonlyArray<WhatsAppBusinessAccount.Field> | undefined
  /** Default `Inventory.defaultPhoneNumberFields`. */
  readonly phoneNumberFields?: ReadonlyArray<PhoneNumber.Field> | undefined
  /** How long one account's re-read may take, retries included; beyond, it has failed. Default 10 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ApplyOptions {
  /**
   * How accounts are re-read when a `GraphClient` is in context; `false`: never, the fields events carry
   * are applied instead.
   */
  readonly reread?: RereadOptions | false | undefined
}

/**
 * What applying one delivery did.
 *
 * @since 0.1.0
 * @category models
 */
export interface Applied {
  /** False when the delivery had been applied before (a replay): nothing was done. */
  readonly applied: boolean
  /** Change rows recorded. */
  readonly changes: number
  /** The accounts re-read and brought up to date. */
  readonly reread: ReadonlyArray<string>
  /** The accounts whose re-read failed (each recorded as a `failed` change). */
  readonly rereadFailed: ReadonlyArray<string>
}

// One account's re-read: what it found, or why it found nothing.
type Reread =
  | { readonly _tag: "Read"; readonly account: ReadAccount }
  | {
    readonly _tag: "Failed"
    readonly businessId: string
    readonly fields: ReadonlyArray<string>
    readonly error: string
    readonly message: string
  }

type ReadFailure = GraphRead.ReadError | InvalidRequestError | { readonly _tag: "Timeout"; readonly message: string }

// The accounts of a delivery that need a re-read, with the fields that asked for it.
const rereadsWanted = (envelope: Envelope) => {
  const wanted = new Map<string, Set<string>>()
  for (const entry of envelope.entry) {
    for (const change of entry.changes.filter(needsReread)) {
      wanted.set(entry.id, (wanted.get(entry.id) ?? new Set()).add(change.field))
    }
  }
  return wanted
}

// The accounts wanted that the store holds, each read once, as a business that
// sees it (its owner first). Outside any transaction: a read may take seconds.
const rereadAll = (
  wanted: ReadonlyMap<string, ReadonlySet<string>>,
  options: RereadOptions,
  client: GraphClient.GraphClient["Type"]
) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const timeout = Duration.decode(options.timeout ?? "10 seconds")
    const read = (accountId: string) =>
      WhatsAppBusinessAccount.get(accountId, {
        fields: [...(options.accountFields ?? defaultAccountFields)],
        expand: { phone_numbers: { fields: [...(options.phoneNumberFields ?? defaultPhoneNumberFields)] } }
      }) as unknown as Effect.Effect<Item, ReadFailure, GraphClient.GraphClient>
    const found = yield* Effect.forEach(wanted, ([accountId, fields]) =>
      Effect.gen(function*() {
        const [seer] = yield* sql<{ business_id: string }>`SELECT business_id FROM inventory_sightings
          WHERE account_id = ${accountId} AND removed_at IS NULL
          ORDER BY CASE WHEN edge = 'owned' THEN 0 ELSE 1 END, business_id LIMIT 1`
        if (seer === undefined) return []
        const outcome = yield* read(accountId).pipe(
          GraphCredentials.asBusiness(seer.business_id),
          Effect.provideService(GraphClient.GraphClient, client),
          Effect.timeoutFail({
            duration: timeout,
            onTimeout: (): ReadFailure => ({
              _tag: "Timeout",
              message: `No answer within ${Duration.format(timeout)}.`
            })
          }),
          Effect.either
        )
        const reread: Reread = Either.isRight(outcome)
          ? { _tag: "Read", account: readAccountOf(outcome.right) }
          : {
            _tag: "Failed",
            businessId: seer.business_id,
            fields: [...fields],
            error: outcome.left._tag,
            message: outcome.left.message
          }
        return [[accountId, reread] as const]
      }), { concurrency: 4 })
    return new Map(found.flat())
  })

const replayed: Applied = { applied: false, changes: 0, reread: [], rereadFailed: [] }

// A delivery ready to be written: its accounts that needed it re-read.
interface Prepared {
  readonly envelope: Envelope
  readonly key: string
  readonly rereads: ReadonlyMap<string, Reread>
}

// The re-reads a delivery needs, outside any transaction (a read may take seconds); none for a replay,
// which spends no reads.
const prepare = (
  envelope: Envelope,
  key: string,
  options: ApplyOptions
): Effect.Effect<Prepared | undefined, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const client = options.reread === false ? Option.none() : yield* Effect.serviceOption(GraphClient.GraphClient)
    const wanted = Option.isSome(client) ? rereadsWanted(envelope) : new Map<string, Set<string>>()
    if (Option.isNone(client) || wanted.size === 0) return { envelope, key, rereads: new Map() }
    const sql = yield* SqlClient.SqlClient
    const [applied] = yield* sql`SELECT key FROM inventory_webhook_deliveries WHERE key = ${key}`
    if (applied !== undefined) return undefined
    return { envelope, key, rereads: yield* rereadAll(wanted, options.reread || {}, client.value) }
  })

// Applies deliveries one after another in one transaction, each unless its key was stored before or by an
// earlier one of them, and records their changes with one statement.
const write = (
  deliveries: ReadonlyArray<Prepared>
): Effect.Effect<ReadonlyArray<Applied>, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const at = new Date(yield* Clock.currentTimeMillis).toISOString()
    // Stored first, so that of two copies of a delivery (one may arrive while the other's accounts are
    // read) the second finds the first's key and applies nothing.
    const keys = [...new Set(deliveries.map((delivery) => delivery.key))]
    const fresh = new Set(
      (yield* sql<{ readonly key: string }>`INSERT INTO inventory_webhook_deliveries ${
        sql.insert(keys.map((key) => ({ key, received_at: at })))
      } ON CONFLICT (key) DO NOTHING RETURNING key`).map((row) => row.key)
    )
    const changes: Array<ChangeRow> = []
    const results: Array<Applied> = []
    for (const { envelope, key, rereads } of deliveries) {
      if (!fresh.delete(key)) {
        results.push(replayed)
        continue
      }
      const first = changes.length
      const done = new Set<string>()
      for (const entry of envelope.entry) {
        const reread = rereads.get(entry.id)
        for (const change of entry.changes) {
          changes.push({
            entity: "webhook",
            entityId: entry.id,
            accountId: entry.id,
            businessId: null,
            field: change.field,
            kind: "event",
            oldValue: null,
            newValue: encode(toJson(change.value) ?? null)
          })
          // What the account was re-read for is applied from the read, unless the read failed.
          if (reread?._tag === "Read" && needsReread(change)) continue
          const update = yield* updateOf(entry.id, change)
          if (update !== undefined) changes.push(...yield* applyUpdate(update, entry.id, at))
        }
        if (reread === undefined || done.has(entry.id)) continue
        done.add(entry.id)
        if (reread._tag === "Read") {
          changes.push(...(yield* writeAccounts({ runId: null, at, businessOf: new Map() }, [reread.account])).changes)
        } else {
          changes.push({
            entity: "webhook",
            entityId: entry.id,
            accountId: entry.id,
            businessId: reread.businessId,
            field: "reread",
            kind: "failed",
            oldValue: null,
            newValue: encode({ error: reread.error, message: reread.message, fields: reread.fields })
          })
        }
      }
      const outcomes = [...rereads]
      results.push({
        applied: true,
        changes: changes.length - first,
        reread: outcomes.filter(([, reread]) => reread._tag === "Read").map(([id]) => id),
        rereadFailed: outcomes.filter(([, reread]) => reread._tag === "Failed").map(([id]) => id)
      })
    }
    yield* insertChanges({ runId: null, source: "webhook", at }, changes)
    return results
  }).pipe((effect) => Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(effect)))

/**
 * Applies one verified delivery to the store in one transaction, unless a delivery with the same `key` was
 * applied before: its events recorded, the fields they carry applied, and the accounts that need it re-read
 * first when a `GraphClient` is in context (see the module's documentation). A failed re-read is recorded,
 * never an error. `app` calls it with the digest of the raw body; call it yourself for deliveries that
 * reach you another way (a queue).
 *
 * @since 0.1.0
 * @category applying
 */
export const apply = (
  envelope: Envelope,
  key: string,
  options: ApplyOptions = {}
): Effect.Effect<Applied, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(
    prepare(envelope, key, options),
    (prepared) =>
      prepared === undefined ? Effect.succeed(replayed) : Effect.map(write([prepared]), ([applied]) => applied!)
  )

// Group commit: when deliveries arrive together, they go in one transaction, so that a busy receiver pays
// for one transaction, one insert of their keys, one of their changes and one commit per group rather than
// per delivery. Each request takes the writer's turn in order, after a pause when others are on their way
// (a synchronous driver such as SQLite's would otherwise write each alone); one whose delivery an earlier
// turn has written just returns its result.
const groupCommit = () => {
  const waiting: Array<{ readonly delivery: Prepared; readonly done: Deferred.Deferred<Applied, SqlError> }> = []
  const turn = Effect.unsafeMakeSemaphore(1)
  let arriving = 0
  const writeWaiting = Effect.suspend(() => {
    const group = waiting.splice(0)
    if (group.length === 0) return Effect.void
    return Effect.flatMap(
      Effect.exit(write(group.map((job) => job.delivery))),
      (exit) =>
        Effect.forEach(group, (job, i) => Deferred.done(job.done, Exit.map(exit, (results) => results[i]!)), {
          discard: true
        })
    )
  })
  const submit = (delivery: Prepared) =>
    Effect.gen(function*() {
      const done = yield* Deferred.make<Applied, SqlError>()
      waiting.push({ delivery, done })
      if (arriving > waiting.length) yield* Effect.sleep(0)
      // Uninterruptible: the group may hold other requests' deliveries.
      yield* turn.withPermits(1)(Effect.uninterruptible(writeWaiting))
      return yield* Deferred.await(done)
    })
  return {
    /** Counts the deliveries on their way while it runs a request's handling. */
    arriving: <A, E, R>(handle: Effect.Effect<A, E, R>) =>
      Effect.acquireUseRelease(Effect.sync(() => arriving++), () => handle, () => Effect.sync(() => arriving--)),
    submit
  }
}

// -----------------------------------------------------------------------------
// the app
// -----------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The verify token you gave Meta with the callback URL. */
  readonly verifyToken: Redacted.Redacted<string> | Config.Config<Redacted.Redacted<string>>
  /** The app secret: deliveries are signed with it. */
  readonly appSecret: Redacted.Redacted<string> | Config.Config<Redacted.Redacted<string>>
  /** The largest body accepted (413 beyond). Default 1 MiB. */
  readonly maxBodyBytes?: number | undefined
  /**
   * How accounts are re-read after events that do not carry the new state, when a `GraphClient` (and, for
   * a token per business, a `GraphCredentials`) is in the app's context; `false`: never. See {@link apply}.
   */
  readonly reread?: RereadOptions | false | undefined
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

const decodeEnvelope = Schema.decodeUnknownOption(Envelope)

const text = (body: string, status: number) => HttpServerResponse.text(body, { status })

const secretOf = (value: Redacted.Redacted<string> | Config.Config<Redacted.Redacted<string>>) =>
  Redacted.isRedacted(value) ? Effect.succeed(value as Redacted.Redacted<string>) : value

/**
 * The webhook endpoint as an `HttpApp`: mount it at your callback URL (see the module's documentation).
 * Answers 200 to the handshake and to every delivery applied (a failed re-read included) or replayed, 401
 * to a bad signature, 400 to a malformed body, 403 to a bad handshake, 405 to other methods, 413 to a body
 * over `maxBodyBytes`.
 *
 * @since 0.1.0
 * @category apps
 */
export const app = (
  options: Options
): HttpApp.Default<ConfigError.ConfigError | SqlError, SqlClient.SqlClient | HttpServerRequest.HttpServerRequest> => {
  const keyOf = verifyingKey()
  const commit = groupCommit()
  const deliver = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function*() {
      const limit = options.maxBodyBytes ?? 1024 * 1024
      const declared = Number(request.headers["content-length"] ?? 0)
      if (declared > limit) return text("Payload Too Large", 413)
      const body = yield* Effect.either(request.arrayBuffer)
      if (Either.isLeft(body)) return text("Bad Request", 400)
      if (body.right.byteLength > limit) return text("Payload Too Large", 413)

      // The signature first: nothing of an unsigned body is read.
      const mac = parseSignature(request.headers["x-hub-signature-256"])
      if (mac === undefined) return text("Unauthorized", 401)
      const key = yield* Effect.flatMap(secretOf(options.appSecret), keyOf)
      const valid = yield* Effect.promise(() => globalThis.crypto.subtle.verify("HMAC", key, mac, body.right))
      if (!valid) return text("Unauthorized", 401)

      let parsed: unknown
      try {
        parsed = JSON.parse(utf8.decode(body.right))
      } catch {
        return text("Bad Request", 400)
      }
      const envelope = decodeEnvelope(parsed)
      if (Option.isNone(envelope)) return text("Bad Request", 400)
      const digest = hex(yield* Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", body.right)))
      const prepared = yield* prepare(envelope.value, digest, { reread: options.reread })
      const applied = prepared === undefined ? replayed : yield* commit.submit(prepared)
      return text(applied.applied ? "OK" : "OK (already applied)", 200)
    })
  return Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    if (request.method === "GET") {
      const params = new URL(request.url, "http://localhost").searchParams
      const token = yield* secretOf(options.verifyToken)
      const challenge = params.get("hub.challenge")
      if (
        params.get("hub.mode") === "subscribe" && challenge !== null &&
        sameText(params.get("hub.verify_token") ?? "", Redacted.value(token))
      ) return text(challenge, 200)
      return text("Forbidden", 403)
    }
    if (request.method !== "POST") return text("Method Not Allowed", 405)

    return yield* commit.arriving(deliver(request))
  }).pipe(Effect.withSpan("Inventory.webhook"))
}

/**
 * The verify token and app secret from config: `WEBHOOK_VERIFY_TOKEN` and `GRAPH_APP_SECRET` by default.
 *
 * @since 0.1.0
 * @category apps
 */
export const appConfig = (names: { readonly verifyToken?: string; readonly appSecret?: string } = {}) =>
  app({
    verifyToken: Config.redacted(names.verifyToken ?? "WEBHOOK_VERIFY_TOKEN"),
    appSecret: Config.redacted(names.appSecret ?? "GRAPH_APP_SECRET")
  })
