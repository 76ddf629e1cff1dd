/**
 * The agency scenario's data set, shared by the scenario (which starts the emulator) and its child
 * processes (which read it): business ids and each business's own token, derived from an index so that
 * 20,000 of them need not be passed on a command line.
 */

/** The id of business `i`. */
export const businessId = (i: number): string => String(4_100_000_000 + i)

/** The token of business `id`: the emulator accepts it for that business only. */
export const tokenOf = (id: string): string => `EAA-bench-token-of-${id}`

/** The partner's own token (the config's): a batch request is sent with it at its top. */
export const partnerToken = "EAA-bench-partner-token"

export const accountFields = ["name", "currency", "timezone_id"] as const
export const phoneFields = ["display_phone_number", "verified_name", "quality_rating"] as const

/** Each business owns this many accounts, has this many more shared with it, with this many numbers each. */
export const owned = 20
export const shared = 5
export const phones = 3

/** A positive whole number from the environment variable `name`, else `fallback`: a scenario's knob. */
export const integer = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}
