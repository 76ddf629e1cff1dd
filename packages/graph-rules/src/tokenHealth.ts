/**
 * What `debug_token` says of a token, judged: which accounts a scope is limited to, whether it grants a
 * scope, and the token's status before a long run. Published as `TokenHealth`.
 *
 * @internal
 */

/** What the judgement reads of `debug_token`'s answer (see `TokenHealth.TokenInfo`). @internal */
export interface TokenFacts {
  readonly isValid: boolean
  readonly expiresAt?: Date | undefined
  readonly dataAccessExpiresAt?: Date | undefined
  readonly scopes: ReadonlyArray<string>
  readonly granularScopes: ReadonlyArray<{ readonly scope: string; readonly targetIds?: ReadonlyArray<string> }>
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
  return { status, expiresAt, missingScopes, accountIds: targetsOf(info, "whatsapp_business_management") }
}
