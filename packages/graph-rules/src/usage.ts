/**
 * Graph's usage headers, read (see `GraphUsage`): `X-Business-Use-Case-Usage`, a JSON object keyed by
 * business-object id whose values are arrays of `{ type, call_count, total_cputime, total_time,
 * estimated_time_to_regain_access }`, and `X-App-Usage`, `{ call_count, total_cputime, total_time }`.
 * An absent or malformed header means "unknown", never zero and never a failure; one malformed entry does
 * not hide the others.
 *
 * @internal
 */
import { parseJson } from "./json.js"

/** The three usage figures, percentages of a budget. @internal */
export interface AppUsage {
  readonly callCount?: number
  readonly totalCputime?: number
  readonly totalTime?: number
}

/** One business entry, with the id it was keyed by. @internal */
export interface BusinessUseCaseUsage extends AppUsage {
  readonly businessId: string
  readonly type?: string
  /** Minutes until calls are accepted again. */
  readonly estimatedTimeToRegainAccess?: number
}

/** Everything the usage headers of one response said. @internal */
export interface Usage {
  readonly businessUseCase?: ReadonlyArray<BusinessUseCaseUsage> | undefined
  readonly app?: AppUsage | undefined
}

// Meta documents numbers; numeric strings are read too ("NaN" and "±Infinity" as such, blank as nothing)
// rather than losing the whole entry. `null` or no value: absent. Anything else spoils the entry.
const figure = (value: unknown): number | undefined => {
  if (typeof value === "number" || value === "NaN") return Number(value)
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : NaN
  return Number.isNaN(n) ? undefined : n
}

// The figures of an entry as named here; none when one of them is neither absent, null nor a figure.
const figures = (
  record: Readonly<Record<string, unknown>>,
  names: ReadonlyArray<readonly [wire: string, name: string]>
): Record<string, number> | undefined => {
  const out: Record<string, number> = {}
  for (const [wire, name] of names) {
    if (!Object.hasOwn(record, wire) || record[wire] === null) continue
    const value = figure(record[wire])
    if (value === undefined) return undefined
    out[name] = value
  }
  return out
}

const appNames = [["call_count", "callCount"], ["total_cputime", "totalCputime"], ["total_time", "totalTime"]] as const
const entryNames = [...appNames, ["estimated_time_to_regain_access", "estimatedTimeToRegainAccess"]] as const

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const appUsage = (u: unknown): AppUsage | undefined => isRecord(u) ? figures(u, appNames) : undefined

const entry = (businessId: string, u: unknown): BusinessUseCaseUsage | undefined => {
  if (!isRecord(u)) return undefined
  const type = Object.hasOwn(u, "type") ? u.type : null
  if (type !== null && typeof type !== "string") return undefined
  const read = figures(u, entryNames)
  return read && { businessId, ...(type !== null ? { type } : {}), ...read }
}

const businessUsage = (u: unknown): ReadonlyArray<BusinessUseCaseUsage> | undefined => {
  if (!isRecord(u)) return undefined
  const lists = Object.entries(u)
  if (!lists.every(([, list]) => Array.isArray(list))) return undefined
  return lists.flatMap(([businessId, list]) =>
    (list as ReadonlyArray<unknown>).flatMap((item) => entry(businessId, item) ?? [])
  )
}

/**
 * Reads the usage headers from a header lookup (lower-case names). Never fails: a header that is absent or
 * cannot be read is left out.
 *
 * @internal
 */
export const fromHeaders = (headers: Readonly<Record<string, string | undefined>>): Usage => {
  const businessHeader = headers["x-business-use-case-usage"]
  const appHeader = headers["x-app-usage"]
  const businessUseCase = businessHeader == null ? undefined : businessUsage(parseJson(businessHeader))
  const app = appHeader == null ? undefined : appUsage(parseJson(appHeader))
  return { ...(businessUseCase !== undefined ? { businessUseCase } : {}), ...(app !== undefined ? { app } : {}) }
}

/**
 * The entries that speak for a request counted against `key`: those keyed by `key`, or — when the header names
 * only other ids — every entry (all entries when no key is given).
 *
 * @internal
 */
export const forRequest = (usage: Usage, key?: string): ReadonlyArray<BusinessUseCaseUsage> => {
  const all = usage.businessUseCase ?? []
  if (key === undefined) return all
  const own = all.filter((entry) => entry.businessId === key)
  return own.length > 0 ? own : all
}

/** A usable percentage: finite and not negative. @internal */
export const isPercentage = (value: number | undefined): value is number =>
  value !== undefined && Number.isFinite(value) && value >= 0

/** The highest of all usage percentages reported (business and app), if any was. @internal */
export const highestPercentage = (usage: Usage, key?: string): number | undefined => {
  const figures = [...forRequest(usage, key), ...(usage.app === undefined ? [] : [usage.app])]
    .flatMap((entry) => [entry.callCount, entry.totalCputime, entry.totalTime])
    .filter(isPercentage)
  return figures.length === 0 ? undefined : Math.max(...figures)
}

/**
 * How long until Meta accepts calls again, in milliseconds: the longest `estimated_time_to_regain_access`
 * (minutes) across the entries that speak for a request counted against `key`, or `undefined` when none
 * says to wait.
 *
 * @internal
 */
export const regainAccessMillis = (usage: Usage, key?: string): number | undefined => {
  const minutes = Math.max(
    0,
    ...forRequest(usage, key).map((entry) => entry.estimatedTimeToRegainAccess).filter(isPercentage)
  )
  return minutes > 0 ? minutes * 60_000 : undefined
}
