/**
 * Keeping secrets out of everything that prints: URLs, error messages, logs.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/**
 * Query parameters that carry a credential or something derived from one.
 *
 * @since 0.1.0
 * @category constants
 */
export const secretParams: ReadonlySet<string> = new Set([
  "access_token",
  "appsecret_proof",
  "client_secret",
  "input_token"
])

const mask = "<redacted>"

/**
 * Replaces every occurrence of the given secrets in a text. Text from the server or from a transport
 * error may echo a secret back; this is the last line of defence before such text reaches an error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeScrubber = (
  secrets: ReadonlyArray<Redacted.Redacted<string> | Option.Option<Redacted.Redacted<string>>>
): (text: string) => string => {
  const values = secrets
    .flatMap((secret) => Redacted.isRedacted(secret) ? [secret] : Option.toArray(secret))
    .map(Redacted.value)
    // Short values would mangle ordinary words; real tokens and secrets are long.
    .filter((value) => value.length >= 8)
  if (values.length === 0) return (text) => text
  return (text) => {
    let out = text
    for (const value of values) {
      if (out.includes(value)) out = out.split(value).join(mask)
    }
    return out
  }
}

/**
 * A URL with every credential-bearing query parameter (and any user info) masked, safe to show or store.
 *
 * @example
 * ```ts
 * import { Redaction } from "@effect-waba/graph-core"
 *
 * Redaction.scrubUrl("https://graph.facebook.com/v26.0/1/owned_whatsapp_business_accounts?access_token=EAAG&after=x")
 * // "https://graph.facebook.com/v26.0/1/owned_whatsapp_business_accounts?access_token=%3Credacted%3E&after=x"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const scrubUrl = (url: string): string => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return url.replace(/([?&](?:access_token|appsecret_proof|client_secret|input_token)=)[^&#]*/gi, `$1${mask}`)
  }
  let changed = false
  for (const key of [...parsed.searchParams.keys()]) {
    if (secretParams.has(key.toLowerCase())) {
      parsed.searchParams.set(key, mask)
      changed = true
    }
  }
  if (parsed.username !== "" || parsed.password !== "") {
    parsed.username = ""
    parsed.password = ""
    changed = true
  }
  return changed ? parsed.toString() : url
}
