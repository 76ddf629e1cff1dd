/**
 * Keeping secrets out of everything that prints: known secret values removed wherever they appear, and
 * credential-bearing query parameters masked by name. Published as `Redaction`, which also takes secrets as
 * `Redacted` values.
 *
 * @internal
 */

/**
 * Query parameters that carry a credential or something derived from one.
 *
 * @internal
 */
export const secretParams: ReadonlySet<string> = new Set([
  "access_token",
  "appsecret_proof",
  "client_secret",
  "input_token"
])

/**
 * What a removed secret is replaced with.
 *
 * @internal
 */
export const mask = "<redacted>"

/**
 * Replaces every occurrence of the given secrets, in their plain, URL-encoded and JSON-escaped forms, in a
 * text.
 *
 * @internal
 */
export const scrubberOf = (secrets: ReadonlyArray<string>): (text: string) => string => {
  // Short values would mangle ordinary words; real tokens, secrets and proofs are long. An echo may be
  // plain, inside a URL (percent-encoded) or inside a JSON string; the longest go first, so that a secret
  // containing another is masked whole.
  const forms = secrets.filter((value) => value.length >= 8)
    .flatMap((value) => [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])
  const values = Array.from(new Set(forms)).sort((a, b) => b.length - a.length)
  return (text) => values.reduce((out, value) => out.split(value).join(mask), text)
}

/**
 * A URL with every credential-bearing query parameter (and any user info) masked, safe to show or store.
 *
 * @internal
 */
export const scrubUrl = (url: string): string => {
  if (!URL.canParse(url)) {
    return url
      .replace(/([?&](?:access_token|appsecret_proof|client_secret|input_token)=)[^&#]*/gi, `$1${mask}`)
      .replace(/\/\/[^/?#@]*@/, "//")
  }
  const parsed = new URL(url)
  const secret = Array.from(parsed.searchParams.keys()).filter((key) => secretParams.has(key.toLowerCase()))
  if (secret.length === 0 && parsed.username === "" && parsed.password === "") return url
  for (const key of secret) parsed.searchParams.set(key, mask)
  parsed.username = ""
  parsed.password = ""
  return parsed.toString()
}

/**
 * A URL reduced to what is safe to echo in any message: origin and path, without user info, query or
 * fragment. Text that is not a URL loses everything from the first `?` or `#`, and any `user@` part.
 *
 * @internal
 */
export const safeUrl = (url: string): string => {
  if (!URL.canParse(url)) return url.replace(/[?#].*$/s, "").replace(/^([^/]*\/\/)?[^/]*@/, "$1")
  const parsed = new URL(url)
  return `${parsed.origin === "null" ? `${parsed.protocol}//${parsed.host}` : parsed.origin}${parsed.pathname}`
}
