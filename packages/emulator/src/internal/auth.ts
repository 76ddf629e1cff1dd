/**
 * Who a call is made by: the tokens the emulator accepts (each with the businesses it may read and its
 * expiry on the emulator's clock, unless revoked at runtime) and the `appsecret_proof` Graph checks against the app secret.
 *
 * @internal
 */
import * as Either from "effect/Either"
import { createHmac, timingSafeEqual } from "node:crypto"
import type * as EmulatorClock from "../EmulatorClock.js"
import * as GraphError from "./graphError.js"

/** A token the emulator accepts (an `Emulator.TokenSpec`). @internal */
export interface Grant {
  readonly token: string
  readonly businesses?: ReadonlyArray<string> | undefined
  readonly expiresAt?: Date | number | undefined
}

/**
 * The token a call is made with: refused when missing, unknown or expired, or when its proof is wrong.
 *
 * @internal
 */
export const make = (
  tokens: ReadonlyArray<Grant>,
  { appSecret, clock, requireProof, revoked }: {
    readonly appSecret: string
    readonly requireProof: boolean
    readonly clock: EmulatorClock.EmulatorClock
    /** Tokens revoked at runtime, with the subcode their calls get. */
    readonly revoked: ReadonlyMap<string, GraphError.Revocation>
  }
) => {
  // Looked up on every call: a scan of tens of thousands of tokens (one per business) would cost more than
  // the rest of the answer. The first of equal tokens wins, as it always has.
  const grants = new Map<string, Grant>()
  for (const grant of tokens) if (!grants.has(grant.token)) grants.set(grant.token, grant)
  return (authorization: string | undefined, url: URL): Either.Either<Grant, GraphError.GraphError> => {
    const bearer = /^\s*(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1]
    const token = bearer ?? url.searchParams.get("access_token")
    const grant = token === null ? undefined : grants.get(token)
    const now = clock.now()
    const expiresAt = grant?.expiresAt instanceof Date ? grant.expiresAt.getTime() : grant?.expiresAt
    if (token === null) return Either.left(GraphError.missingToken())
    if (grant === undefined) return Either.left(GraphError.invalidToken())
    const revocation = revoked.get(grant.token)
    if (revocation !== undefined) return Either.left(GraphError.revokedToken(revocation))
    if (expiresAt !== undefined && expiresAt <= now) return Either.left(GraphError.expiredToken(expiresAt, now))
    const [proof, time] = [url.searchParams.get("appsecret_proof"), url.searchParams.get("appsecret_time")]
    if (proof === null) return requireProof ? Either.left(GraphError.missingProof()) : Either.right(grant)
    // A timed proof is over `token|time`, and good for five minutes either side of the emulator's clock.
    const expected = createHmac("sha256", appSecret).update(time === null ? token : `${token}|${time}`).digest()
    const fresh = time === null || (/^\d+$/.test(time) && Math.abs(now / 1000 - Number(time)) <= 300)
    const given = Buffer.from(proof)
    return fresh && given.length === 64 && timingSafeEqual(given, Buffer.from(expected.toString("hex")))
      ? Either.right(grant)
      : Either.left(GraphError.invalidProof())
  }
}
