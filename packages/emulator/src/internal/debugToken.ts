/**
 * `GET /debug_token?input_token=…`: what Graph says of a token — whether it is valid, when it and its data
 * access expire (0: never), its scopes, and per scope the objects it is limited to (granular scopes: a
 * token limited to some businesses sees their WhatsApp Business Accounts). Graph gives no stable order to
 * those ids, so neither does the emulator: they are shuffled on every call.
 *
 * @internal
 */
import type { Grant } from "./auth.js"
import { type Revocation, revokedMessage } from "./graphError.js"
import { hash } from "./hash.js"

/** A token as `Emulator.TokenSpec` gives it. @internal */
export type Spec = Grant & { readonly scopes?: ReadonlyArray<string> | undefined }

/** The scopes of an emulated token unless its spec says otherwise. @internal */
export const defaultScopes: ReadonlyArray<string> = [
  "whatsapp_business_management",
  "whatsapp_business_messaging",
  "business_management",
  "public_profile"
]

/** The emulated app's id. @internal */
export const appId = "1000000000000001"

// A stable order that changes with every call.
const shuffled = (ids: ReadonlyArray<string>, seed: number, call: number) =>
  ids.map((id, k) => [hash(seed, call, k), id] as const).sort((a, b) => a[0] - b[0]).map(([, id]) => id)

/**
 * The `data` of the answer for `input` (any string the caller sent, or none). `wabaIdsOf` lists the
 * accounts of some businesses: those they own and those shared with them.
 *
 * @internal
 */
export const inspect = (
  tokens: ReadonlyArray<Spec>,
  input: string | null,
  context: {
    readonly now: number
    readonly seed: number
    readonly call: number
    readonly wabaIdsOf: (businessIds: ReadonlyArray<string>) => ReadonlyArray<string>
    readonly revoked: ReadonlyMap<string, Revocation>
  }
) => {
  const spec = tokens.find((candidate) => candidate.token === input)
  if (spec === undefined) {
    return { error: { code: 190, message: "Invalid OAuth access token." }, is_valid: false, scopes: [] }
  }
  const expiresAt = spec.expiresAt instanceof Date ? spec.expiresAt.getTime() : spec.expiresAt
  const { businesses, scopes = defaultScopes } = spec
  const targets = (scope: string) =>
    businesses === undefined ? undefined : scope === "business_management"
      ? shuffled(businesses, context.seed, context.call)
      : scope.startsWith("whatsapp_")
      ? shuffled(context.wabaIdsOf(businesses), context.seed, context.call)
      : undefined
  const expired = expiresAt !== undefined && expiresAt <= context.now
  const revocation = context.revoked.get(spec.token)
  return {
    app_id: appId,
    type: "SYSTEM_USER",
    application: "effect-waba emulator",
    data_access_expires_at: 0,
    expires_at: expiresAt === undefined ? 0 : Math.floor(expiresAt / 1000),
    is_valid: !expired && revocation === undefined,
    scopes,
    // Without target ids a granular scope covers every object of its kind.
    granular_scopes: scopes.filter((scope) => scope !== "public_profile").map((scope) => {
      const ids = targets(scope)
      return ids === undefined ? { scope } : { scope, target_ids: ids }
    }),
    user_id: String(1_000_000_000_000_000 + hash(context.seed, tokens.indexOf(spec))),
    ...(revocation !== undefined
      ? { error: { code: 190, message: revokedMessage(revocation), subcode: revocation } }
      : expired
      ? { error: { code: 190, message: "Error validating access token: Session has expired.", subcode: 463 } }
      : {})
  }
}
