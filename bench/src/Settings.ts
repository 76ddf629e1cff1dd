/**
 * What a run measures, from the environment. `pnpm bench` with nothing set is the full run that
 * writes `docs/benchmarks.md`; `BENCH_QUICK=1` is a smoke run of a minute or so.
 *
 * - `BENCH_QUICK=1`: fewer accounts and repetitions.
 * - `BENCH_REPS=n`: repetitions per variant (after one warm-up round) for the timed scenarios.
 * - `BENCH_SCENARIOS=throughput,latency,memory,fanout,overhead,expansion,cli-start,agency,inventory`:
 *   run only these (`agency` and `inventory` have knobs of their own: see `scenarios/Agency.ts` and
 *   `scenarios/Inventory.ts`).
 * - `BENCH_OUT=path`: where to write the report. Default: `docs/benchmarks.md` for a full run of every
 *   scenario, `bench/.results/benchmarks.md` otherwise (so a quick run does not overwrite the record).
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export type ScenarioId =
  | "throughput"
  | "latency"
  | "memory"
  | "fanout"
  | "overhead"
  | "expansion"
  | "cli-start"
  | "agency"
  | "inventory"

export const scenarioIds: ReadonlyArray<ScenarioId> = [
  "throughput",
  "latency",
  "memory",
  "fanout",
  "overhead",
  "expansion",
  "cli-start",
  "agency",
  "inventory"
]

export interface Settings {
  readonly quick: boolean
  readonly scenarios: ReadonlyArray<ScenarioId>
  readonly repetitions: number
  readonly throughput: { readonly accounts: number; readonly limit: number }
  readonly latency: { readonly pages: number; readonly serverMs: number; readonly consumerMs: number }
  readonly memory: {
    readonly sizes: readonly [number, number]
    readonly repetitions: number
    /** The bare loop too (quick runs only: at 10,000,000 accounts it would add minutes). */
    readonly bare: boolean
  }
  readonly fanout: {
    readonly businesses: number
    readonly accounts: number
    readonly limit: number
    readonly serverMs: number
    readonly concurrency: ReadonlyArray<number>
  }
  readonly overhead: { readonly requests: number }
  readonly repoRoot: string
  readonly out: string
  /** Raw samples as JSON, for anyone who wants to recompute. */
  readonly rawOut: string
}

const integer = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === "") return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return value
}

export const fromEnvironment = (): Settings => {
  const quick = process.env.BENCH_QUICK === "1" || process.env.BENCH_QUICK === "true"
  const selected = (process.env.BENCH_SCENARIOS ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "")
  for (const id of selected) {
    if (!scenarioIds.includes(id as ScenarioId)) {
      throw new Error(`Unknown scenario "${id}"; pick from ${scenarioIds.join(", ")}`)
    }
  }
  const scenarios = selected.length === 0 ? scenarioIds : scenarioIds.filter((id) => selected.includes(id))
  const repoRoot = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "../..")
  const complete = !quick && scenarios.length === scenarioIds.length
  const out = process.env.BENCH_OUT !== undefined && process.env.BENCH_OUT !== ""
    ? path.resolve(process.env.BENCH_OUT)
    : complete
    ? path.join(repoRoot, "docs/benchmarks.md")
    : path.join(repoRoot, "bench/.results/benchmarks.md")
  return {
    quick,
    scenarios,
    repetitions: integer("BENCH_REPS", quick ? 3 : 7),
    throughput: { accounts: quick ? 20_000 : 100_000, limit: 100 },
    latency: { pages: quick ? 20 : 60, serverMs: 20, consumerMs: 20 },
    memory: { sizes: quick ? [20_000, 200_000] : [1_000_000, 10_000_000], repetitions: 1, bare: quick },
    fanout: {
      businesses: quick ? 50 : 200,
      accounts: 50,
      limit: 25,
      serverMs: 10,
      concurrency: [1, 8, 16]
    },
    overhead: { requests: quick ? 300 : 1000 },
    repoRoot,
    out,
    rawOut: path.join(repoRoot, "bench/.results/raw.json")
  }
}
