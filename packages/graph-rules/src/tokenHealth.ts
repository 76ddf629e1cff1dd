/**
 * What `debug_token` says of a token, judged: which accounts a scope is limited to, whether it grants a
 * scope, and the token's status before a long run. Published as `TokenHealth`.
 *
 * @internal
 */
import { defined } from "./defined.js"
import { needsReauthorization } from "./errors.js"
import * as Shape from "./shape.js"

/** What the judgement reads of `debug_token`'s answer (see `TokenHealth.TokenInfo`). @internal */
export interface TokenFacts {
  readonly isValid: boolean
  readonly expiresAt?: Date | undefined
  readonly dataAccessExpiresAt?: Date | undefined
  readonly scopes: ReadonlyArray<string>
  readonly granularScopes: ReadonlyArray<{ readonly scope: string; readonly targetIds?: ReadonlyArray<string> }>
  /** Why Graph calls the token invalid: code 190 and a subcode. */
  readonly error?: { readonly code?: number | undefined; readonly subcode?: number | undefined } | undefined
}

/** The ids a scope is limited to; `undefined` when it is not limited (or not granted). @internal */
export const targetsOf = (info: TokenFacts, scope: string): ReadonlyArray<string> | undefined => {
  const granted = info.granularScopes.filter((granular) => granular.scope === scope)
  return granted.length === 0 || granted.some((granular) => granular.targetIds === undefined)
    ? undefined
    : granted.flatMap((granular) => granular.targetIds ?? [])
}

/** Whether the token has `scope`, for `targetId` when given. @internal */
export const grants = (info: TokenFacts, scope: string, targetId?: string | undefined): boolean =>
  info.scopes.includes(scope) && (targetId === undefined || (targetsOf(info, scope)?.includes(targetId) ?? true))

/** @internal */
export type Status = "Valid" | "Expiring" | "Invalid" | "MissingScope" | "Unchecked"

/**
 * A token Graph described: `Invalid`, else `MissingScope` when it lacks a required scope, else `Expiring`
 * when it (or its data access) expires by `deadline` (epoch milliseconds), else `Valid`.
 *
 * @internal
 */
export const judge = (info: TokenFacts, deadline: number, required: ReadonlyArray<string>) => {
  const expiries = [info.expiresAt, info.dataAccessExpiresAt].filter((date) => date !== undefined)
  const expiresAt = expiries.length === 0 ? undefined : new Date(Math.min(...expiries.map((date) => date.getTime())))
  const missingScopes = required.filter((scope) => !info.scopes.includes(scope))
  const status: Status = !info.isValid
    ? "Invalid"
    : missingScopes.length > 0
    ? "MissingScope"
    : expiresAt !== undefined && expiresAt.getTime() <= deadline
    ? "Expiring"
    : "Valid"
  return {
    status,
    // Only the business can mend it: it must authorise the app again (190 with 458, 460, 463 or 467).
    reauthorize: status === "Invalid" && needsReauthorization(info.error?.code, info.error?.subcode),
    expiresAt,
    missingScopes,
    accountIds: targetsOf(info, "whatsapp_business_management")
  }
}

/**
 * The `data` of a `debug_token` answer as Graph sends it (its `null`s read as absent), for a line's
 * Schema; {@link tokenInfo} reads it.
 *
 * @internal
 */
export const debugTokenData = Shape.struct({
  is_valid: Shape.boolean,
  app_id: Shape.id,
  application: Shape.string,
  type: Shape.string,
  user_id: Shape.id,
  expires_at: Shape.unixSeconds,
  data_access_expires_at: Shape.unixSeconds,
  issued_at: Shape.unixSeconds,
  scopes: Shape.array(Shape.string),
  granular_scopes: Shape.array(Shape.struct({ scope: Shape.string, target_ids: Shape.array(Shape.id) })),
  error: Shape.struct({ code: Shape.number, subcode: Shape.number, message: Shape.string })
})

/** What `debug_token` says of a token (see `TokenHealth.TokenInfo`). @internal */
export interface TokenInfo extends TokenFacts {
  readonly appId?: string
  readonly application?: string
  readonly type?: string
  readonly userId?: string
  /** Absent: never (Graph says 0). */
  readonly expiresAt?: Date
  readonly dataAccessExpiresAt?: Date
  readonly issuedAt?: Date
  readonly error?: { readonly code?: number; readonly subcode?: number; readonly message?: string }
}

// Unix seconds where 0 means never.
const expiry = (date: Date | undefined) => date === undefined || date.getTime() <= 0 ? undefined : date

/** A `debug_token` answer's `data`, read. @internal */
export const tokenInfo = (data: Shape.TypeOf<typeof debugTokenData>): TokenInfo =>
  defined({
    isValid: data.is_valid ?? false,
    appId: data.app_id,
    application: data.application,
    type: data.type,
    userId: data.user_id,
    expiresAt: expiry(data.expires_at),
    dataAccessExpiresAt: expiry(data.data_access_expires_at),
    issuedAt: data.issued_at,
    scopes: data.scopes ?? [],
    // A granular scope that names no scope limits nothing.
    granularScopes: (data.granular_scopes ?? []).flatMap(({ scope, target_ids }) =>
      scope === undefined ? [] : [defined({ scope, targetIds: target_ids })]
    ),
    error: data.error === undefined ? undefined : defined(data.error)
  })
