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
 *   field, the value as sent), unknown fields and events included. Where the value carries a field the
 *   store keeps, that field is updated and the difference recorded as an `account` or `phone_number`
 *   change: `account_review_update` sets `account_review_status`; `phone_number_quality_update` sets the
 *   number's `messaging_limit_tier` from `current_limit`; an approved `phone_number_name_update` sets its
 *   `verified_name`. The next sync reads the rest.
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
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { Fields } from "./internal/fields.js"
import { decode, diff, encode, toJson } from "./internal/fields.js"
import type { ChangeRow } from "./internal/store.js"
import { insertChanges } from "./internal/store.js"

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

const hmacKey = (secret: Redacted.Redacted<string>, usage: "sign" | "verify") =>
  Effect.promise(() =>
    globalThis.crypto.subtle.importKey(
      "raw",
      encoder.encode(Redacted.value(secret)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      [usage]
    )
  )

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
  Effect.flatMap(
    hmacKey(appSecret, "sign"),
    (key) =>
      Effect.promise(() =>
        globalThis.crypto.subtle.sign(
          "HMAC",
          key,
          typeof body === "string" ? encoder.encode(body) : new Uint8Array(body)
        )
      ).pipe(Effect.map((mac) => `sha256=${hex(mac)}`))
  )

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

interface Update {
  readonly entity: "account" | "phone_number"
  readonly id: string
  readonly set: Fields
}

// What a change tells about the fields the store keeps, by the WABA it is about.
const updatesOf = (wabaId: string, field: string, value: unknown) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const numberFor = (display: string) =>
      Effect.map(
        sql<{ id: string; display_phone_number: string | null }>`SELECT id, display_phone_number
          FROM inventory_phone_numbers WHERE account_id = ${wabaId} AND removed_at IS NULL`,
        (rows) =>
          rows.find((row) => row.display_phone_number !== null && digits(row.display_phone_number) === digits(display))
      )
    switch (field) {
      case "account_review_update": {
        const decoded = Schema.decodeUnknownOption(AccountReviewUpdate)(value)
        if (Option.isNone(decoded)) return []
        return [{ entity: "account", id: wabaId, set: { account_review_status: decoded.value.decision } }] as const
      }
      case "phone_number_quality_update": {
        const decoded = Schema.decodeUnknownOption(PhoneNumberQualityUpdate)(value)
        if (Option.isNone(decoded) || decoded.value.current_limit === undefined) return []
        const number = yield* numberFor(decoded.value.display_phone_number)
        if (number === undefined) return []
        return [{ entity: "phone_number", id: number.id, set: { messaging_limit_tier: decoded.value.current_limit } }]
      }
      case "phone_number_name_update": {
        const decoded = Schema.decodeUnknownOption(PhoneNumberNameUpdate)(value)
        if (
          Option.isNone(decoded) || decoded.value.decision !== "APPROVED" ||
          decoded.value.requested_verified_name === undefined
        ) return []
        const number = yield* numberFor(decoded.value.display_phone_number)
        if (number === undefined) return []
        return [{
          entity: "phone_number",
          id: number.id,
          set: { verified_name: decoded.value.requested_verified_name }
        }]
      }
      default:
        // account_update and business_capability_update carry events and limits, not fields the store
        // keeps: they are recorded as they came.
        return []
    }
  }) as Effect.Effect<ReadonlyArray<Update>, SqlError, SqlClient.SqlClient>

const applyUpdate = (update: Update, wabaId: string, at: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const table = update.entity === "account" ? "inventory_accounts" : "inventory_phone_numbers"
    const [row] = yield* sql<{ data: string }>`SELECT data FROM ${sql(table)} WHERE id = ${update.id}
      AND removed_at IS NULL`
    if (row === undefined) return []
    const before = decode(row.data) as Fields
    const after = { ...before, ...update.set }
    const changes = diff(before, after)
    if (changes.length === 0) return []
    const columns: Record<string, string | null> = {}
    for (const [name, value] of Object.entries(update.set)) columns[name] = typeof value === "string" ? value : null
    yield* sql`UPDATE ${sql(table)} SET ${sql.update({ ...columns, data: encode(after), updated_at: at })}
      WHERE id = ${update.id}`
    return changes.map((change): ChangeRow => ({
      entity: update.entity,
      entityId: update.id,
      accountId: wabaId,
      businessId: null,
      ...change
    }))
  })

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
}

/**
 * Applies one verified delivery to the store in one transaction, unless a delivery with the same `key` was
 * applied before. `app` calls it with the digest of the raw body; call it yourself for deliveries that
 * reach you another way (a queue).
 *
 * @since 0.1.0
 * @category applying
 */
export const apply = (
  envelope: Envelope,
  key: string
): Effect.Effect<Applied, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const at = new Date(yield* Clock.currentTimeMillis).toISOString()
    const [seen] = yield* sql<{ key: string }>`SELECT key FROM inventory_webhook_deliveries WHERE key = ${key}`
    if (seen !== undefined) return { applied: false, changes: 0 }
    yield* sql`INSERT INTO inventory_webhook_deliveries ${sql.insert({ key, received_at: at })}`
    const changes: Array<ChangeRow> = []
    for (const entry of envelope.entry) {
      for (const change of entry.changes) {
        changes.push({
          entity: "webhook",
          entityId: entry.id,
          accountId: entry.id,
          businessId: null,
          field: change.field,
          kind: "event",
          oldValue: undefined,
          newValue: toJson(change.value) ?? null
        })
        for (const update of yield* updatesOf(entry.id, change.field, change.value)) {
          changes.push(...yield* applyUpdate(update, entry.id, at))
        }
      }
    }
    yield* insertChanges({ runId: null, source: "webhook", at }, changes)
    return { applied: true, changes: changes.length }
  }).pipe((effect) => Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(effect)))

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
}

const text = (body: string, status: number) => HttpServerResponse.text(body, { status })

const secretOf = (value: Redacted.Redacted<string> | Config.Config<Redacted.Redacted<string>>) =>
  Redacted.isRedacted(value) ? Effect.succeed(value as Redacted.Redacted<string>) : value

/**
 * The webhook endpoint as an `HttpApp`: mount it at your callback URL (see the module's documentation).
 * Answers 200 to the handshake and to every delivery applied or replayed, 401 to a bad signature, 400 to
 * a malformed body, 403 to a bad handshake, 405 to other methods, 413 to a body over `maxBodyBytes`.
 *
 * @since 0.1.0
 * @category apps
 */
export const app = (
  options: Options
): HttpApp.Default<ConfigError.ConfigError | SqlError, SqlClient.SqlClient | HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const url = new URL(request.url, "http://localhost")
    if (request.method === "GET") {
      const params = url.searchParams
      const token = yield* secretOf(options.verifyToken)
      const challenge = params.get("hub.challenge")
      if (
        params.get("hub.mode") === "subscribe" && challenge !== null &&
        sameText(params.get("hub.verify_token") ?? "", Redacted.value(token))
      ) return text(challenge, 200)
      return text("Forbidden", 403)
    }
    if (request.method !== "POST") return text("Method Not Allowed", 405)

    const limit = options.maxBodyBytes ?? 1024 * 1024
    const declared = Number(request.headers["content-length"] ?? 0)
    if (declared > limit) return text("Payload Too Large", 413)
    const body = yield* Effect.either(request.arrayBuffer)
    if (Either.isLeft(body)) return text("Bad Request", 400)
    if (body.right.byteLength > limit) return text("Payload Too Large", 413)

    // The signature first: nothing of an unsigned body is read.
    const mac = parseSignature(request.headers["x-hub-signature-256"])
    if (mac === undefined) return text("Unauthorized", 401)
    const key = yield* Effect.flatMap(secretOf(options.appSecret), (secret) => hmacKey(secret, "verify"))
    const valid = yield* Effect.promise(() => globalThis.crypto.subtle.verify("HMAC", key, mac, body.right))
    if (!valid) return text("Unauthorized", 401)

    let parsed: unknown
    try {
      parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body.right))
    } catch {
      return text("Bad Request", 400)
    }
    const envelope = Schema.decodeUnknownOption(Envelope)(parsed)
    if (Option.isNone(envelope)) return text("Bad Request", 400)
    const digest = hex(yield* Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", body.right)))
    const applied = yield* apply(envelope.value, digest)
    return text(applied.applied ? "OK" : "OK (already applied)", 200)
  }).pipe(Effect.withSpan("Inventory.webhook"))

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
