/**
 * Which other ids a request key's responses reported (a business answered with the usage of its WABAs), for
 * a window: their budgets govern the key's requests too. Bounded: at most `maxAliases` ids per key, the
 * least recently seen forgotten first, and at most `maxKeys` keys, the least recently answered first.
 *
 * @internal
 */
import { appScope, budgetScope } from "./governor.js"

/** @internal */
export interface Limits {
  readonly maxKeys: number
  readonly maxAliases: number
}

/** @internal */
export const defaultLimits: Limits = { maxKeys: 10_000, maxAliases: 16 }

/** The memory of one governor: plain state, owned by it. @internal */
export const make = (
  settings: { readonly windowMillis: number; readonly types: ReadonlyArray<string> },
  limits: Limits = defaultLimits
) => {
  const aliases = new Map<string, Map<string, number>>()
  return {
    /** The budgets a request counted against `key` is governed by: the key's and its other ids', per type. */
    budgetsOf: (key: string | undefined): Array<string> => {
      if (key === undefined || key === appScope) return []
      const ids = [key, ...(aliases.get(key)?.keys() ?? [])]
      return ids.flatMap((id) => settings.types.map((type) => budgetScope(id, type)))
    },
    /** Learns the other ids a response to `key` reported at `now`; those not seen again for a window lapse. */
    remember: (key: string, reported: ReadonlyArray<string>, now: number): void => {
      const kept = Array.from(aliases.get(key) ?? []).filter(([id, at]) =>
        at + settings.windowMillis > now && !reported.includes(id)
      )
      // The least recently seen first, so that the cap drops them.
      const seen = new Map([...kept, ...reported.map((id) => [id, now] as const)].slice(-limits.maxAliases))
      aliases.delete(key)
      if (seen.size > 0) aliases.set(key, seen)
      if (aliases.size > limits.maxKeys) aliases.delete(aliases.keys().next().value!)
    },
    sizes: () => ({
      keys: aliases.size,
      aliases: Array.from(aliases.values()).reduce((sum, seen) => sum + seen.size, 0)
    })
  }
}
