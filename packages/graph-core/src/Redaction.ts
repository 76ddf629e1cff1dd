/**
 * Keeping secrets out of everything that prints: URLs, error messages, logs, spans.
 *
 * Two tools, used together: {@link makeScrubber} removes known secret values wherever they appear
 * (a server or proxy may echo them anywhere), and {@link scrubUrl} masks credential-bearing query
 * parameters and user info by name (for secrets we do not know the value of).
 *
 * @since 0.1.0
 */
import * as Pure from "@effect-waba/graph-rules/redaction"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/**
 * Query parameters that carry a credential or something derived from one.
 *
 * @since 0.1.0
 * @category constants
 */
export const secretParams: ReadonlySet<string> = Pure.secretParams

/**
 * What a removed secret is replaced with.
 *
 * @since 0.1.0
 * @category constants
 */
export const mask: typeof Pure.mask = Pure.mask

/**
 * A secret given to {@link makeScrubber}: a `Redacted`, an optional one, or a plain string.
 *
 * @since 0.1.0
 * @category models
 */
export type Secret = Redacted.Redacted<string> | Option.Option<Redacted.Redacted<string>> | string

/**
 * Replaces every occurrence of the given secrets, in their plain, URL-encoded and JSON-escaped forms,
 * in a text. Text from the server or from a transport error may echo a secret back; this is the last
 * line of defence before such text reaches an error, a log or a span.
 *
 * @example
 * ```ts
 * import { Redaction } from "@effect-waba/graph-core"
 * import { Redacted } from "effect"
 *
 * const scrub = Redaction.makeScrubber([Redacted.make("EAAG-secret-token")])
 * scrub("Invalid token EAAG-secret-token") // "Invalid token <redacted>"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeScrubber = (secrets: ReadonlyArray<Secret>): (text: string) => string => {
  const plain = secrets.flatMap((secret) =>
    typeof secret === "string" || Redacted.isRedacted(secret)
      ? [Redacted.isRedacted(secret) ? Redacted.value(secret) : secret]
      : Option.toArray(Option.map(secret, Redacted.value))
  )
  return Pure.scrubberOf(plain)
}

/**
 * A URL with every credential-bearing query parameter (and any user info) masked, safe to show or store.
 *
 * @example
 * ```ts
 * import { Redaction } from "@effect-waba/graph-core"
 *
 * Redaction.scrubUrl("https://graph.facebook.com/v27.0/1/owned_whatsapp_business_accounts?access_token=EAAG&after=x")
 * // "https://graph.facebook.com/v27.0/1/owned_whatsapp_business_accounts?access_token=%3Credacted%3E&after=x"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const scrubUrl: (url: string) => string = Pure.scrubUrl

/**
 * A URL reduced to what is safe to echo in any message: origin and path, without user info, query or
 * fragment. Text that is not a URL loses everything from the first `?` or `#`, and any `user@` part.
 *
 * @since 0.1.0
 * @category constructors
 */
export const safeUrl: (url: string) => string = Pure.safeUrl
