/**
 * Webhooks as Meta sends them for a WhatsApp Business Account: the envelope (`object:
 * "whatsapp_business_account"`, one entry per account with its `changes`), the exact body, and its
 * `X-Hub-Signature-256` header (`sha256=` and the hex HMAC-SHA256 of the body's bytes, keyed by the app
 * secret). The emulator builds one for each change that has a webhook (see {@link Changes}) and POSTs it
 * to the target set with `setWebhookTarget`; {@link sign} and {@link deliver} do the same for an envelope
 * of your own (a test that tampers with a body, or posts it itself).
 *
 * A delivery ends in the status of a 2xx answer or a {@link DeliveryError}: another status, a failed
 * connection, or no answer within the timeout (10 seconds by default). Never a defect, never a hang.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { createHmac } from "node:crypto"

/**
 * One change of an entry: the subscribed field and its value.
 *
 * @since 0.1.0
 * @category models
 */
export interface Change {
  readonly field: string
  readonly value: unknown
}

/**
 * What a webhook says about one WhatsApp Business Account (`id`), at `time` (unix seconds).
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly id: string
  readonly time: number
  readonly changes: ReadonlyArray<Change>
}

/**
 * A webhook's body.
 *
 * @since 0.1.0
 * @category models
 */
export interface Envelope {
  readonly object: "whatsapp_business_account"
  readonly entry: ReadonlyArray<Entry>
}

/**
 * A webhook ready to POST: its envelope, the exact body the signature is over, and the headers Meta sends.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignedWebhook {
  readonly envelope: Envelope
  readonly body: string
  readonly headers: {
    readonly "content-type": "application/json"
    readonly "user-agent": string
    readonly "x-hub-signature-256": string
  }
}

/**
 * Where webhooks go.
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  /** The callback URL, `http:` or `https:`. */
  readonly url: string
  /** The app secret deliveries are signed with. Default: the emulator's (`Emulator.defaultAppSecret` unless set). */
  readonly appSecret?: string | undefined
  /** How long a delivery may take. Default 10 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * A delivery that did not get a 2xx answer: another `Status`, a `Transport` failure, a `Timeout`, or an
 * `InvalidUrl` target (refused before anything is sent). `url` is the target without its query.
 *
 * @since 0.1.0
 * @category errors
 */
export class DeliveryError extends Schema.TaggedError<DeliveryError>()("WebhookDeliveryError", {
  url: Schema.String,
  reason: Schema.Literal("Status", "Transport", "Timeout", "InvalidUrl"),
  status: Schema.optional(Schema.Number),
  message: Schema.String
}) {}

/**
 * The envelope of one account's changes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const envelope = (wabaId: string, time: number, changes: ReadonlyArray<Change>): Envelope => ({
  object: "whatsapp_business_account",
  entry: [{ id: wabaId, time, changes }]
})

/**
 * The `X-Hub-Signature-256` value for a body: `sha256=` and the lower-case hex HMAC-SHA256 of its UTF-8
 * bytes, keyed by the app secret.
 *
 * @since 0.1.0
 * @category signing
 */
export const signature = (body: string | Uint8Array, appSecret: string): string =>
  `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`

/**
 * Serialises an envelope and signs the bytes.
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (envelope: Envelope, appSecret: string): SignedWebhook => {
  const body = JSON.stringify(envelope)
  return {
    envelope,
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "facebookexternalua",
      "x-hub-signature-256": signature(body, appSecret)
    }
  }
}

/**
 * The target's URL without its query (what errors show), or the `InvalidUrl` error.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkUrl = (url: string): Either.Either<string, DeliveryError> => {
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  return parsed !== undefined && (parsed.protocol === "http:" || parsed.protocol === "https:")
    ? Either.right(`${parsed.origin}${parsed.pathname}`)
    : Either.left(
      new DeliveryError({ url: "", reason: "InvalidUrl", message: "A webhook target is an absolute http(s) URL." })
    )
}

/**
 * POSTs a signed webhook to a URL: the status of a 2xx answer, or a {@link DeliveryError}.
 *
 * @since 0.1.0
 * @category delivery
 */
export const deliver = (
  webhook: SignedWebhook,
  target: { readonly url: string; readonly timeout?: Duration.DurationInput | undefined }
): Effect.Effect<number, DeliveryError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const url = yield* checkUrl(target.url)
    const client = yield* HttpClient.HttpClient
    const request = HttpClientRequest.post(target.url).pipe(
      HttpClientRequest.setHeaders({
        "user-agent": webhook.headers["user-agent"],
        "x-hub-signature-256": webhook.headers["x-hub-signature-256"]
      }),
      HttpClientRequest.bodyText(webhook.body, webhook.headers["content-type"])
    )
    const timeout = Duration.decode(target.timeout ?? "10 seconds")
    const status = yield* client.execute(request).pipe(
      // The answer is read to its end, so that the connection is free for the next delivery.
      Effect.flatMap((response) => Effect.as(Effect.ignore(response.text), response.status)),
      // The platform's message names the whole URL, query included: ours names the reason only.
      Effect.mapError((error) =>
        new DeliveryError({ url, reason: "Transport", message: `The request failed (${error.reason}).` })
      ),
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () =>
          new DeliveryError({ url, reason: "Timeout", message: `No answer within ${Duration.format(timeout)}.` })
      })
    )
    if (status < 200 || status > 299) {
      return yield* new DeliveryError({ url, reason: "Status", status, message: `The target answered ${status}.` })
    }
    return status
  })
