/**
 * The rate governor's decisions as plain functions: usage facts and the time in, what to store and how
 * long to hold out. No clock, no store, no fibers: `internal/rateGovernor.ts` reads the store and the
 * clock, calls these, and carries out what they say.
 */
import type * as GraphUsage from "../GraphUsage.js"
import type * as RateGovernorStore from "../RateGovernorStore.js"

/** The scope `X-App-Usage` is kept under (business ids are numeric, so it cannot clash with one). */
export const appScope = "app"

/** The store key of one budget: a business-object id and a usage type, or the app. */
export const budgetScope = (id: string, type: string): string => `${id}:${type}`

/** The id half of a store key (`"app"` for the app). */
export const idOf = (scope: string): string => {
  const colon = scope.indexOf(":")
  return colon < 0 ? scope : scope.slice(0, colon)
}

/** The type half of a store key (`undefined` for the app). */
export const typeOf = (scope: string): string | undefined => {
  const colon = scope.indexOf(":")
  return colon < 0 ? undefined : scope.slice(colon + 1)
}

/** Why a request is held. */
export type Reason = "pacing" | "ceiling" | "regain"

/** The numbers every decision is made with, derived once from the settings. */
export interface Policy {
  readonly ceiling: number
  readonly paceFrom: number
  readonly calls: number
  readonly windowMillis: number
  readonly maxProbeMillis: number
  /** The gap at which calls can go on for ever without usage passing the ceiling. */
  readonly sustainableMillis: number
  /** The usage types that govern requests; entries without a type count as the first. */
  readonly types: ReadonlyArray<string>
}

/** The longest hold Graph can impose through a hint: longer hints are taken as this. */
export const longestHoldMillis = 86_400_000

export const policy = (settings: {
  readonly ceiling: number
  readonly paceFrom: number
  readonly calls: number
  readonly windowMillis: number
  readonly maxProbeMillis: number
  readonly types: ReadonlyArray<string>
}): Policy => ({
  ...settings,
  sustainableMillis: settings.windowMillis / (settings.calls * settings.ceiling / 100)
})

/** The gap between sends for a usage between `paceFrom` and the ceiling: none at or below `paceFrom`. */
export const pacingMillis = (policy: Policy, usage: number): number =>
  usage <= policy.paceFrom
    ? 0
    : policy.sustainableMillis * Math.min(1, (usage - policy.paceFrom) / (policy.ceiling - policy.paceFrom))

/**
 * The gap between probes at or above the ceiling. Probes spend at most half of what is left of the budget
 * (100% − usage) per window, so that they cannot use it up before old calls roll out of the count and
 * leave the rest for requests in flight elsewhere; each answer still at the ceiling doubles the gap, up to
 * `maxProbeMillis`. Near 100% the spread wins (up to a quarter of the window).
 */
export const probeMillis = (policy: Policy, usage: number, streak: number): number => {
  const headroomCalls = Math.max(1, (100 - usage) / 100 * policy.calls / 2)
  const spread = Math.min(policy.windowMillis / 4, policy.windowMillis / headroomCalls)
  const doubling = Math.min(
    policy.maxProbeMillis,
    policy.sustainableMillis * 2 ** Math.min(30, Math.max(0, streak - 1))
  )
  return Math.max(spread, doubling)
}

/**
 * Whether an observation asks for nothing, without looking at the clock: usage at or below `paceFrom`
 * (where the pacing gap is zero) and no hold recorded. A request whose budgets are all quiet (or unknown)
 * goes at once, with nothing read from the store, booked or allocated.
 */
export const isQuiet = (policy: Policy, observation: RateGovernorStore.Observation): boolean =>
  observation.usage <= policy.paceFrom && observation.holdUntil === 0

// ---------------------------------------------------------------------------------------------------
// Reading a response
// ---------------------------------------------------------------------------------------------------

/** What one response said about one budget. */
export interface Reading {
  readonly scope: string
  /** The highest usage percentage reported, if any. */
  readonly level: number | undefined
  /** Milliseconds until access returns, if the response said to wait (0 otherwise). */
  readonly holdMillis: number
}

/** What one response said, budget by budget, and which other ids it reported for the request's key. */
export interface Readings {
  readonly readings: ReadonlyArray<Reading>
  /** Ids other than the key that the response reported usage for: the budgets the key's calls count against. */
  readonly aliases: ReadonlyArray<string>
}

/** What the governor is told about one response. */
export interface Facts {
  readonly usage: GraphUsage.GraphUsage
  /** Whether Graph refused the call for a rate limit (codes 4, 17, 32, 341, 613, 80000–80014). */
  readonly throttled: boolean
  /** Code 4: the app's limit rather than a business's. */
  readonly appThrottled: boolean
  /** The wait the server asked for on a refusal (regain time or `Retry-After`). */
  readonly retryAfterMillis: number | undefined
}

const usable = (value: number | undefined): value is number =>
  value !== undefined && Number.isFinite(value) && value >= 0

const holdOf = (millis: number) => Math.min(longestHoldMillis, millis)

const emptyReadings: Readings = { readings: [], aliases: [] }

/**
 * The budgets one response to a request counted against `key` reports on.
 *
 * - Each `X-Business-Use-Case-Usage` entry informs the budget it is keyed by (`id:type`), whoever asked;
 *   entries of types that do not govern requests are left out, entries without a type count as the
 *   first governing type. Negative, infinite or non-numeric figures are ignored.
 * - `X-App-Usage` informs the app's budget.
 * - A refusal puts what it counted against at the ceiling at least: the budgets the same response
 *   reported, or else `fallback` (the budgets the key is known to count against).
 */
export const read = (
  policy: Policy,
  key: string | undefined,
  facts: Facts,
  fallback: ReadonlyArray<string>
): Readings => {
  const business = facts.usage.businessUseCase
  const app = facts.usage.app
  if (business === undefined && app === undefined && !facts.throttled) return emptyReadings
  const found = new Map<string, { level: number | undefined; holdMillis: number }>()
  const aliases: Array<string> = []
  const at = (scope: string) => {
    let reading = found.get(scope)
    if (reading === undefined) {
      reading = { level: undefined, holdMillis: 0 }
      found.set(scope, reading)
    }
    return reading
  }
  const raise = (scope: string, value: number | undefined) => {
    if (!usable(value)) return
    const reading = at(scope)
    reading.level = reading.level === undefined ? value : Math.max(reading.level, value)
  }
  for (const entry of business ?? []) {
    const type = entry.type ?? policy.types[0]!
    if (!policy.types.includes(type)) continue
    const scope = budgetScope(entry.businessId, type)
    raise(scope, entry.callCount)
    raise(scope, entry.totalCputime)
    raise(scope, entry.totalTime)
    const minutes = entry.estimatedTimeToRegainAccess
    if (usable(minutes) && minutes > 0) {
      const reading = at(scope)
      reading.holdMillis = Math.max(reading.holdMillis, holdOf(minutes * 60_000))
    }
    if (key !== undefined && entry.businessId !== key && !aliases.includes(entry.businessId)) {
      aliases.push(entry.businessId)
    }
  }
  const reportedBusiness = Array.from(found.keys())
  if (app !== undefined) {
    raise(appScope, app.callCount)
    raise(appScope, app.totalCputime)
    raise(appScope, app.totalTime)
  }
  if (facts.throttled) {
    const refused = facts.appThrottled || key === undefined
      ? [appScope]
      : reportedBusiness.length > 0
      ? reportedBusiness
      : fallback
    for (const scope of refused) {
      const reading = at(scope)
      // Refused: whatever the headers said, usage is at least at the ceiling.
      reading.level = Math.max(reading.level ?? policy.ceiling, policy.ceiling)
      if (usable(facts.retryAfterMillis) && facts.retryAfterMillis > 0) {
        reading.holdMillis = Math.max(reading.holdMillis, holdOf(facts.retryAfterMillis))
      }
    }
  }
  const readings: Array<Reading> = []
  for (const [scope, reading] of found) readings.push({ scope, level: reading.level, holdMillis: reading.holdMillis })
  return { readings, aliases }
}

/** What to store for one budget after a response, given what was stored before. */
export interface Update {
  readonly observation: RateGovernorStore.Observation
  /** How long the store keeps it: a window (older usage has rolled out of Graph's count), or the hold. */
  readonly timeToLiveMillis: number
  /**
   * Book a send now: the request just answered went out unbooked (nothing near a limit was known), and
   * the next one must be spaced from it.
   */
  readonly book: boolean
}

/**
 * The next observation of a budget. `undefined` when the response gave no usage and nothing is known,
 * or — with `skipQuiet`, for a store in this process — when it changes nothing a decision looks at
 * (quiet before and after), so that budgets far from their limits cost no state.
 */
export const update = (
  policy: Policy,
  before: RateGovernorStore.Observation | undefined,
  reading: Reading,
  now: number,
  skipQuiet: boolean
): Update | undefined => {
  const usage = reading.level ?? before?.usage
  if (usage === undefined) return undefined
  const holdUntil = Math.max(
    before !== undefined && before.holdUntil > now ? before.holdUntil : 0,
    reading.holdMillis > 0 ? now + reading.holdMillis : 0
  )
  const quietBefore = before === undefined || (before.usage <= policy.paceFrom && before.holdUntil <= now)
  if (skipQuiet && quietBefore && usage <= policy.paceFrom && holdUntil === 0) return undefined
  const streak = usage >= policy.ceiling ? (before?.streak ?? 0) + 1 : 0
  return {
    observation: { usage, observedAt: now, holdUntil, streak },
    timeToLiveMillis: Math.max(policy.windowMillis, holdUntil - now),
    book: quietBefore && usage > policy.paceFrom
  }
}

// ---------------------------------------------------------------------------------------------------
// Deciding before a request
// ---------------------------------------------------------------------------------------------------

/** A budget as known before a request. */
export interface Known {
  readonly scope: string
  readonly observation: RateGovernorStore.Observation
}

/** A hold: how long, why, and for which budget. */
export interface Hold {
  readonly scope: string
  readonly reason: Reason
  /** Never negative. */
  readonly millis: number
  readonly usage: number
  /** At the ceiling, news about the budget (a probe's answer) ends the hold early. */
  readonly untilNews: boolean
}

/** A probe gate to pass: at most one request per `intervalMillis` may go for a budget at the ceiling. */
export interface Gate {
  readonly scope: string
  readonly intervalMillis: number
  readonly usage: number
}

/** A place to book in a budget's schedule, `gapMillis` after the previous booking. */
export interface Booking {
  readonly scope: string
  readonly gapMillis: number
  readonly usage: number
}

/** What to do next. */
export type Next =
  | { readonly _tag: "Go" }
  | { readonly _tag: "Wait"; readonly hold: Hold }
  | { readonly _tag: "Refuse"; readonly hold: Hold }
  | { readonly _tag: "Probe"; readonly gates: ReadonlyArray<Gate>; readonly bookings: ReadonlyArray<Booking> }
  | { readonly _tag: "Book"; readonly bookings: ReadonlyArray<Booking> }

export const go: Next = { _tag: "Go" }

/** A hold the caller accepts (`maxWaitMillis` undefined: any), or a refusal. */
export const bound = (hold: Hold, maxWaitMillis: number | undefined): Next =>
  maxWaitMillis !== undefined && hold.millis > maxWaitMillis ? { _tag: "Refuse", hold } : { _tag: "Wait", hold }

const holdFor = (scope: string, reason: Reason, millis: number, usage: number, untilNews: boolean): Hold => ({
  scope,
  reason,
  millis: Math.max(0, Math.ceil(millis)),
  usage,
  untilNews
})

/** The state of one request's decision between steps. */
export interface Input {
  readonly now: number
  /** The request's budgets with an unexpired observation. */
  readonly known: ReadonlyArray<Known>
  /** The caller's longest acceptable hold; `undefined` for no limit. */
  readonly maxWaitMillis: number | undefined
  /** When the request booked its place in the schedules and waited for it; `undefined` before that. */
  readonly bookedAt: number | undefined
}

/**
 * The first decision before a request, from what is known about its budgets:
 *
 * 1. nothing known, or every budget at or below `paceFrom`: go (nothing booked);
 * 2. Graph said when access returns, later than now: hold until then (`regain`);
 * 3. booked already (after a pacing hold): go, unless a budget reached the ceiling since the booking;
 * 4. at or above the ceiling: a probe goes once per probe interval after the last answer; before that,
 *    hold (`ceiling`, ended early by news); when it is due, pass the probe gates;
 * 5. between `paceFrom` and the ceiling: book a place spaced by the pacing gap (probes book one too,
 *    with no gap, so that the next paced request is spaced from them).
 *
 * Every hold is checked against `maxWaitMillis`: a longer one is a refusal.
 */
export const decide = (policy: Policy, input: Input): Next => {
  const { known, maxWaitMillis, now } = input
  let regain: Known | undefined
  let loud = false
  for (const entry of known) {
    if (entry.observation.holdUntil > now) {
      if (regain === undefined || entry.observation.holdUntil > regain.observation.holdUntil) regain = entry
    }
    if (entry.observation.usage > policy.paceFrom) loud = true
  }
  if (regain !== undefined) {
    const { holdUntil, usage } = regain.observation
    return bound(holdFor(regain.scope, "regain", holdUntil - now, usage, false), maxWaitMillis)
  }
  if (!loud) return go
  if (input.bookedAt !== undefined) {
    const bookedAt = input.bookedAt
    const news = known.some((entry) =>
      entry.observation.usage >= policy.ceiling && entry.observation.observedAt > bookedAt
    )
    if (!news) return go
  }
  const gates: Array<Gate> = []
  let notDue: Hold | undefined
  const bookings: Array<Booking> = []
  for (const { observation, scope } of known) {
    const { holdUntil, observedAt, streak, usage } = observation
    if (usage >= policy.ceiling) {
      const interval = probeMillis(policy, usage, streak)
      // After a regain hint, Graph's time is the time to look again.
      const due = (holdUntil > 0 ? holdUntil : observedAt + interval) - now
      if (due > 0) {
        if (notDue === undefined || due > notDue.millis) notDue = holdFor(scope, "ceiling", due, usage, true)
      } else {
        gates.push({ scope, intervalMillis: interval, usage })
      }
      bookings.push({ scope, gapMillis: 0, usage })
    } else if (usage > policy.paceFrom) {
      bookings.push({ scope, gapMillis: pacingMillis(policy, usage), usage })
    }
  }
  if (notDue !== undefined) return bound(notDue, maxWaitMillis)
  if (gates.length > 0) return { _tag: "Probe", gates, bookings }
  return { _tag: "Book", bookings }
}

/**
 * After trying the probe gates in order (`waits[i]` for `gates[i]`; the store stops at the first that
 * does not open): hold for a closed gate, or go on to book.
 */
export const afterGates = (
  next: Extract<Next, { readonly _tag: "Probe" }>,
  waits: ReadonlyArray<number>,
  maxWaitMillis: number | undefined
): Next => {
  for (let i = 0; i < waits.length; i++) {
    const wait = waits[i]!
    if (wait > 0) {
      const gate = next.gates[i]!
      return bound(holdFor(gate.scope, "ceiling", wait, gate.usage, true), maxWaitMillis)
    }
  }
  return { _tag: "Book", bookings: next.bookings }
}

/**
 * After booking (`delays[i]` until the place booked for `bookings[i]`): go now, or hold for the furthest
 * place. A place further than the caller accepts was not booked (the store was given the limit).
 */
export const afterBooking = (
  bookings: ReadonlyArray<Booking>,
  delays: ReadonlyArray<number>,
  maxWaitMillis: number | undefined
): Next => {
  let furthest: Hold | undefined
  for (let i = 0; i < delays.length; i++) {
    const delay = delays[i]!
    if (delay > 0 && (furthest === undefined || delay > furthest.millis)) {
      const booking = bookings[i]!
      furthest = holdFor(booking.scope, "pacing", delay, booking.usage, false)
    }
  }
  return furthest === undefined ? go : bound(furthest, maxWaitMillis)
}
