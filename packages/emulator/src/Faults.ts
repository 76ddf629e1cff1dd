/**
 * Fault injection. A fault rule pairs a fault (what goes wrong) with a trigger (which requests it hits).
 * Triggers are deterministic: a `rate` is decided by hashing the emulator seed with the request number, so
 * the same seed and the same sequence of requests inject the same faults on every run.
 *
 * Request numbers count every request the emulator receives, from 1, over both transports.
 *
 * Kinds:
 * - `latency`: delays the (otherwise normal) response by `ms` plus up to `jitterMs`; adds to other faults.
 * - `slow`: delays the response by `ms`, meant to outlast a client's timeout; adds to other faults.
 * - `httpError`: HTTP 500, 502 or 503, with a Graph JSON body (`body: "graph"`, default) or an empty one.
 * - `graphError`: a Graph transient error: `code: 1` (unknown error, HTTP 500), `code: 2` (service
 *   unavailable, `is_transient`, HTTP 503), or `"transient"` (code 131000 flagged only by `is_transient: true`,
 *   HTTP 400).
 * - `reset`: the real response's headers and the first `afterBytes` bytes of its body (default half) are
 *   sent, then the connection is destroyed; in-process, the body stream errors at that point.
 * - `truncated`: a complete HTTP message whose JSON body is cut to `keepBytes` bytes (default half).
 * - `nonJson`: an HTML error page instead of JSON, with `status` (default 200).
 *
 * `httpError`, `graphError` and `nonJson` replace the request before it reaches the emulated Graph (it does
 * not count against rate limits); `reset`, `truncated`, `latency` and `slow` act on the real response.
 * When several replacing rules match one request, the first in the list wins.
 *
 * @since 0.1.0
 */
import { hash } from "./internal/hash.js"

/**
 * Which requests a rule hits.
 *
 * @since 0.1.0
 * @category models
 */
export type Trigger =
  /** Each request with this probability (0..1), decided by a seeded hash of the request number. */
  | { readonly rate: number }
  /** Exactly these request numbers (1-based, counted over the emulator's lifetime). */
  | { readonly requests: ReadonlyArray<number> }
  /** Every `every`-th request: the request numbers divisible by `every`. */
  | { readonly every: number }
  /** The next `next` requests after the rule is installed (resolved to request numbers at that moment). */
  | { readonly next: number }

/**
 * What goes wrong.
 *
 * @since 0.1.0
 * @category models
 */
export type Fault =
  | { readonly kind: "latency"; readonly ms: number; readonly jitterMs?: number | undefined }
  | { readonly kind: "slow"; readonly ms: number }
  | { readonly kind: "httpError"; readonly status: 500 | 502 | 503; readonly body?: "graph" | "empty" | undefined }
  | { readonly kind: "graphError"; readonly code: 1 | 2 | "transient" }
  | { readonly kind: "reset"; readonly afterBytes?: number | undefined }
  | { readonly kind: "truncated"; readonly keepBytes?: number | undefined }
  | { readonly kind: "nonJson"; readonly status?: number | undefined }

/**
 * @since 0.1.0
 * @category models
 */
export type FaultKind = Fault["kind"]

/**
 * A fault and the requests it hits.
 *
 * @example
 * ```ts
 * import type * as Faults from "@effect-waba/emulator/Faults"
 *
 * const rules: ReadonlyArray<Faults.Rule> = [
 *   { kind: "httpError", status: 503, when: { requests: [2] } },
 *   { kind: "latency", ms: 20, jitterMs: 30, when: { rate: 0.5 } },
 *   { kind: "reset", when: { every: 7 } }
 * ]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Rule = Fault & { readonly when: Trigger }

/**
 * One fault the emulator injected.
 *
 * @since 0.1.0
 * @category models
 */
export interface Injection {
  readonly request: number
  readonly kind: FaultKind
}

/**
 * What the rules decide for one request: the total delay and at most one fault that changes the response.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decision {
  readonly delayMs: number
  readonly fault: Exclude<Fault, { readonly kind: "latency" | "slow" }> | undefined
  readonly kinds: ReadonlyArray<FaultKind>
}

/**
 * Turns `{ next: n }` triggers into the request numbers they stand for, given how many requests the
 * emulator has seen so far; other triggers are returned unchanged.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (rule: Rule, requestsSoFar: number): Rule =>
  "next" in rule.when
    ? { ...rule, when: { requests: Array.from({ length: rule.when.next }, (_, i) => requestsSoFar + 1 + i) } }
    : rule

const hits = (when: Trigger, request: number, seed: number, ruleIndex: number): boolean =>
  "rate" in when
    ? hash(seed, request, ruleIndex, 0x7a17) / 4294967296 < when.rate
    : "requests" in when
    ? when.requests.includes(request)
    : "every" in when && when.every > 0 && request % when.every === 0

/**
 * Decides which rules hit request number `request`. Pure: same inputs, same decision.
 *
 * @since 0.1.0
 * @category decisions
 */
export const decide = (rules: ReadonlyArray<Rule>, request: number, seed: number): Decision => {
  let delayMs = 0
  let fault: Decision["fault"] = undefined
  const kinds: Array<FaultKind> = []
  rules.forEach((rule, index) => {
    if (!hits(rule.when, request, seed, index)) return
    if (rule.kind === "latency" || rule.kind === "slow") {
      const jitter = rule.kind === "latency" ? Math.floor(rule.jitterMs ?? 0) : 0
      delayMs += rule.ms + (jitter > 0 ? hash(seed, request, index, 0x1a7e) % (jitter + 1) : 0)
    } else if (fault === undefined) {
      const { when: _, ...replacing } = rule
      fault = replacing
    } else return
    kinds.push(rule.kind)
  })
  return { delayMs, fault, kinds }
}
