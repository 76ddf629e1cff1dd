/**
 * The rate governor's decisions as plain functions of plain data: what a response says about each
 * budget, what to store after it, and — from what is stored and the time — whether a request goes,
 * waits or is refused. No clock, no store, no fibers: `rateGovernor.ts` carries out what these say.
 *
 * @internal
 */
import { classify } from "./errors.js"
import type { AppUsage, Usage } from "./usage.js"

/** What the store keeps of a budget (see `RateGovernorStore.Observation`). */
export interface Observation {
  /** The highest usage percentage the last response reported. */
  readonly usage: number
  /** When that response arrived (epoch milliseconds). */
  readonly observedAt: number
  /** No request for this scope may be sent before this time (epoch milliseconds; 0 when free). */
  readonly holdUntil: number
  /** How many responses in a row reported usage at or above the ceiling. */
  readonly streak: number
}

/** Why a request is held (see `RateGovernor.HoldTooLongError`). */
export type HoldReason = "pacing" | "ceiling" | "regain"

/** The scope `X-App-Usage` is kept under (business ids are numeric, so it cannot clash with one). */
export const appScope = "app"

/**
 * The app's budget as seen by requests made as `business` (a business scope, with its own token), or by
 * requests made with the config's token: what one token learns of the app's usage says nothing of another's.
 */
export const appScopeOf = (business: string | undefined): string =>
  business === undefined ? appScope : `${appScope}/${business}`

/** The store key of one budget: a business-object id and a usage type. */
export const budgetScope = (id: string, type: string): string => `${id}:${type}`

/** The id and the usage type of a store key, as `HoldTooLongError` names them (no type for the app). */
export const budgetOf = (scope: string): { readonly scope: string; readonly usageType?: string } => {
  if (scope.startsWith(`${appScope}/`)) return { scope: appScope }
  const [id, type] = scope.split(":")
  return type === undefined ? { scope: id! } : { scope: id!, usageType: type }
}

/** The validated options every decision is made with (`RateGovernor.Settings`, durations in milliseconds). */
export interface Settings {
  readonly ceiling: number
  readonly paceFrom: number
  readonly calls: number
  readonly windowMillis: number
  readonly maxProbeIntervalMillis: number
  /** The usage types that govern requests; entries without a type count as the first. */
  readonly types: ReadonlyArray<string>
}

/** The longest hold a hint can impose: longer hints are taken as this. */
export const longestHoldMillis = 86_400_000

/** The gap at which calls can go on for ever without usage passing the ceiling. */
const sustainableMillis = (settings: Settings) => settings.windowMillis / (settings.calls * settings.ceiling / 100)

/** The gap between sends, growing from nothing at `paceFrom` to the sustainable gap at the ceiling. */
export const pacingMillis = (settings: Settings, usage: number): number =>
  usage <= settings.paceFrom
    ? 0
    : sustainableMillis(settings) * Math.min(1, (usage - settings.paceFrom) / (settings.ceiling - settings.paceFrom))

/**
 * The gap between probes at or above the ceiling. Probes spend at most half of what is left of the budget
 * per window, so that they cannot use it up before old calls roll out of the count; each answer still at
 * the ceiling doubles the gap, up to `maxProbeInterval`. Near 100% the spread wins (up to a quarter window).
 */
export const probeMillis = (settings: Settings, usage: number, streak: number): number => {
  const window = settings.windowMillis
  const spread = Math.min(window / 4, window / Math.max(1, (100 - usage) / 100 * settings.calls / 2))
  const doubling = sustainableMillis(settings) * 2 ** Math.min(30, Math.max(0, streak - 1))
  return Math.max(spread, Math.min(settings.maxProbeIntervalMillis, doubling))
}

/** What one response said about one budget. */
export interface Reading {
  readonly scope: string
  /** The highest usage percentage reported, if any. */
  readonly level: number | undefined
  /** How long until access returns, if the response said to wait (0 otherwise). */
  readonly holdMillis: number
}

// Negative, infinite or non-numeric figures say nothing.
const highest = (...values: ReadonlyArray<number | undefined>): number | undefined => {
  const usable = values.filter((value): value is number => value !== undefined && Number.isFinite(value) && value >= 0)
  return usable.length === 0 ? undefined : Math.max(...usable)
}

const level = (figures: AppUsage) => highest(figures.callCount, figures.totalCputime, figures.totalTime)

/**
 * The budgets one response to a request counted against `key` reports on, and the other ids it reported
 * (the budgets the key's calls count against). Each `X-Business-Use-Case-Usage` entry of a governing
 * type informs its own budget, whoever asked; `X-App-Usage` the app's as `app` (see {@link appScopeOf}).
 * A `refusal` for a rate limit puts what it counted against at the ceiling at least: for a request without
 * a key, the app's budget; for the app's limit (code 4), the app's and `fallback`, the budgets the key is
 * known to count against; for a business's, the budgets the response reported, or else `fallback`.
 */
export const read = (
  settings: Settings,
  key: string | undefined,
  usage: Usage,
  refusal: { readonly app: boolean; readonly retryAfterMillis: number | undefined } | undefined,
  fallback: ReadonlyArray<string>,
  app: string = appScope
): { readonly readings: ReadonlyArray<Reading>; readonly aliases: ReadonlyArray<string> } => {
  const found = new Map<string, Reading>()
  const aliases = new Set<string>()
  const note = (scope: string, level: number | undefined, holdMillis: number) => {
    const before = found.get(scope)
    if (level === undefined && holdMillis <= 0 && before === undefined) return
    found.set(scope, {
      scope,
      level: highest(before?.level, level),
      holdMillis: Math.max(before?.holdMillis ?? 0, Math.min(longestHoldMillis, holdMillis))
    })
  }
  for (const entry of usage.businessUseCase ?? []) {
    const type = entry.type ?? settings.types[0]!
    if (!settings.types.includes(type)) continue
    note(budgetScope(entry.businessId, type), level(entry), (highest(entry.estimatedTimeToRegainAccess) ?? 0) * 60_000)
    if (key !== undefined && entry.businessId !== key) aliases.add(entry.businessId)
  }
  const reported = [...found.keys()]
  if (usage.app !== undefined) note(app, level(usage.app), 0)
  if (refusal !== undefined) {
    const refused = key === undefined
      ? [app]
      : refusal.app
      ? [app, ...fallback]
      : reported.length > 0
      ? reported
      : fallback
    for (const scope of refused) note(scope, settings.ceiling, highest(refusal.retryAfterMillis) ?? 0)
  }
  return { readings: [...found.values()], aliases: [...aliases] }
}

/** What a response said, as far as rate limits go (durations in milliseconds). */
export interface Facts {
  readonly usage: Usage
  /** Graph's error code, when the body was an error. */
  readonly errorCode?: number | undefined
  /** For a throttling error: the wait the server asked for (regain time or `Retry-After`). */
  readonly retryAfterMillis?: number | undefined
}

/**
 * What a response to a request counted against `key`, made with the token of `app`'s scope (see
 * {@link appScopeOf}), teaches: `undefined` when nothing (absent headers are unknown, not zero), or the
 * readings to record and the other ids to remember. `budgets` are the budgets `key` is known to count
 * against, which a throttling error without usage figures falls back on.
 */
export const heard = (
  settings: Settings,
  key: string | undefined,
  facts: Facts,
  budgets: () => ReadonlyArray<string>,
  app: string
): ReturnType<typeof read> | undefined => {
  const { errorCode, retryAfterMillis, usage } = facts
  const throttled = errorCode !== undefined && classify(errorCode, false) === "GraphRateLimitError"
  if (usage.businessUseCase === undefined && usage.app === undefined && !throttled) return undefined
  const refusal = throttled ? { app: errorCode === 4, retryAfterMillis } : undefined
  return read(settings, key, usage, refusal, throttled ? budgets() : [], app)
}

/**
 * What to store for a budget after a response: `undefined` when nothing is known, or when it would change
 * nothing a decision looks at (quiet before and after), so that budgets far from their limits cost no state.
 */
export const update = (settings: Settings, before: Observation | undefined, reading: Reading, now: number) => {
  const usage = reading.level ?? before?.usage
  if (usage === undefined) return undefined
  const holdUntil = Math.max(
    before !== undefined && before.holdUntil > now ? before.holdUntil : 0,
    reading.holdMillis > 0 ? now + reading.holdMillis : 0
  )
  const quietBefore = before === undefined || (before.usage <= settings.paceFrom && before.holdUntil <= now)
  if (quietBefore && usage <= settings.paceFrom && holdUntil === 0) return undefined
  return {
    observation: {
      usage,
      observedAt: now,
      holdUntil,
      streak: usage >= settings.ceiling ? (before?.streak ?? 0) + 1 : 0
    },
    // A window: older usage has rolled out of Graph's count. Or as long as the hold lasts.
    timeToLiveMillis: Math.max(settings.windowMillis, holdUntil - now),
    // The request just answered went out unbooked (nothing near a limit was known): book it, to space the next.
    book: quietBefore && usage > settings.paceFrom
  }
}

/** A budget as stored. */
export interface Known {
  readonly scope: string
  readonly observation: Observation
}

/** How long to hold a request, why, and for which budget. */
export interface Hold {
  readonly scope: string
  readonly reason: HoldReason
  /** Whole milliseconds, never negative. */
  readonly millis: number
  readonly usage: number
}

/** A place to take: through a budget's probe gate (`gate`), or in its schedule, `intervalMillis` after the last. */
export interface Claim {
  readonly scope: string
  readonly gate: boolean
  readonly intervalMillis: number
  readonly usage: number
}

/** Go, wait, or refuse a hold longer than the caller accepts. */
export type Verdict =
  | { readonly _tag: "Go" }
  | { readonly _tag: "Wait"; readonly hold: Hold }
  | { readonly _tag: "Refuse"; readonly hold: Hold }

/** A verdict, or places to take first. */
export type Next = Verdict | { readonly _tag: "Claim"; readonly claims: ReadonlyArray<Claim> }

export const go: Verdict = { _tag: "Go" }

const bound = (maxWaitMillis: number | undefined, hold: Hold): Verdict =>
  maxWaitMillis !== undefined && hold.millis > maxWaitMillis ? { _tag: "Refuse", hold } : { _tag: "Wait", hold }

const holdFor = (scope: string, reason: HoldReason, millis: number, usage: number): Hold => ({
  scope,
  reason,
  millis: Math.max(0, Math.ceil(millis)),
  usage
})

/**
 * The decision before a request, from its budgets as stored, the time, the longest hold its caller accepts
 * (`undefined`: any) and when it booked its places and waited for them (if it did):
 * 1. Graph said when access returns, later than now: hold until then (`regain`);
 * 2. every budget unknown or at or below `paceFrom`, or booked already with no budget at the ceiling
 *    since: go;
 * 3. at or above the ceiling: a probe goes once per probe interval after the last answer; before that,
 *    hold (`ceiling`); when due, claim the probe gate;
 * 4. between `paceFrom` and the ceiling: claim a place spaced by the pacing gap (a probe claims one too,
 *    with no gap, so that the next paced request is spaced from it).
 * A hold longer than `maxWaitMillis` is a refusal.
 */
export const decide = (
  settings: Settings,
  known: ReadonlyArray<Known>,
  now: number,
  maxWaitMillis: number | undefined,
  bookedAt?: number | undefined
): Next => {
  const regain = known.reduce<Known | undefined>(
    (latest, entry) => entry.observation.holdUntil > Math.max(now, latest?.observation.holdUntil ?? 0) ? entry : latest,
    undefined
  )
  if (regain !== undefined) {
    const { holdUntil, usage } = regain.observation
    return bound(maxWaitMillis, holdFor(regain.scope, "regain", holdUntil - now, usage))
  }
  if (!known.some(({ observation }) => observation.usage > settings.paceFrom)) return go
  const news = (bookedAt: number) =>
    known.some(({ observation }) => observation.usage >= settings.ceiling && observation.observedAt > bookedAt)
  if (bookedAt !== undefined && !news(bookedAt)) return go
  const gates: Array<Claim> = []
  const places: Array<Claim> = []
  let notDue: Hold | undefined
  for (const { observation: { holdUntil, observedAt, streak, usage }, scope } of known) {
    if (usage >= settings.ceiling) {
      const interval = probeMillis(settings, usage, streak)
      // After a regain hint, Graph's time is the time to look again.
      const due = (holdUntil > 0 ? holdUntil : observedAt + interval) - now
      if (due <= 0) gates.push({ scope, gate: true, intervalMillis: interval, usage })
      else if (notDue === undefined || due > notDue.millis) notDue = holdFor(scope, "ceiling", due, usage)
      places.push({ scope, gate: false, intervalMillis: 0, usage })
    } else if (usage > settings.paceFrom) {
      places.push({ scope, gate: false, intervalMillis: pacingMillis(settings, usage), usage })
    }
  }
  return notDue !== undefined ? bound(maxWaitMillis, notDue) : { _tag: "Claim", claims: [...gates, ...places] }
}

/**
 * After taking the claims in order (`waits[i]` until the place of `claims[i]`; a closed gate, which takes
 * nothing, ends the list): hold for a closed gate, or for the furthest place in a schedule, or go. A place
 * further than the caller accepts was not taken (the store was given the limit).
 */
export const settle = (
  claims: ReadonlyArray<Claim>,
  waits: ReadonlyArray<number>,
  maxWaitMillis: number | undefined
): Verdict => {
  let furthest: Hold | undefined
  for (const [i, wait] of waits.entries()) {
    const { gate, scope, usage } = claims[i]!
    if (gate && wait > 0) return bound(maxWaitMillis, holdFor(scope, "ceiling", wait, usage))
    if (wait > 0 && (furthest === undefined || wait > furthest.millis)) furthest = holdFor(scope, "pacing", wait, usage)
  }
  return furthest === undefined ? go : bound(maxWaitMillis, furthest)
}
