/**
 * `appsecret_proof`: the lower-case hex HMAC-SHA256 of the access token (or of `token|time` for the timed
 * proof), keyed by the app secret. Computed with Web Crypto, so it runs wherever JavaScript does. Published
 * as `AppSecretProof`, which keeps both secrets `Redacted`.
 *
 * @internal
 */

const encoder = new TextEncoder()

/** The lower-case hex HMAC-SHA256 of `message` keyed by `key`. @internal */
export const hmacSha256Hex = async (key: string, message: string): Promise<string> => {
  const cryptoKey = await globalThis.crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"]
  )
  const signature = await globalThis.crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message))
  return Array.from(new Uint8Array(signature), (byte) => byte.toString(16).padStart(2, "0")).join("")
}

/** What a proof signs: the token, or for the timed proof the token and the time (unix seconds). @internal */
export const signed = (accessToken: string, unixSeconds?: number): string =>
  unixSeconds === undefined ? accessToken : `${accessToken}|${unixSeconds}`
