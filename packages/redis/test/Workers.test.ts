import { Emulator, EmulatorServer, type RequestLog } from "@effect-waba/emulator"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { redisUrl, uniquePrefix } from "./utils/redisUrl.js"

// A small budget over a short window, so that real processes on a real clock exhaust it in seconds.
const budget = 60
const windowMillis = 3_000
// 64 pages of 25: one worker alone needs more calls than one window's budget.
const accounts = 1_600
const pagesPerWorker = Math.ceil(accounts / 25)

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const workerScript = path.join(packageDir, "test", "fixtures", "worker.ts")

interface WorkerResult {
  readonly outcome: string
  readonly delivered: number
  readonly requests: number
  readonly refused: number
  readonly waits: number
}

/** Runs the worker script in a child Node process (TypeScript through tsx, workspace packages from source). */
const runWorker = (env: Record<string, string>) =>
  Effect.async<WorkerResult, Error>((resume) => {
    const child = spawn(process.execPath, ["--conditions=@effect-waba/source", "--import", "tsx", workerScript], {
      cwd: packageDir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += String(chunk)))
    child.stderr.on("data", (chunk) => (stderr += String(chunk)))
    child.on("error", (error) => resume(Effect.fail(error)))
    child.on("exit", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? ""
      if (code === 0 && last.startsWith("{")) resume(Effect.succeed(JSON.parse(last) as WorkerResult))
      else resume(Effect.fail(new Error(`worker exited with ${code}: ${stderr.slice(-2000)}`)))
    })
    return Effect.sync(() => child.kill())
  })

interface Run {
  readonly workers: ReadonlyArray<WorkerResult>
  readonly log: ReadonlyArray<RequestLog.Entry>
}

/** Starts an emulator server on loopback and `count` worker processes against one of its businesses. */
const runWorkers = (count: number, governor: "redis" | "off") =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make({
      businesses: [accounts],
      rateLimit: { businessCalls: budget, window: windowMillis }
    })
    const server = yield* EmulatorServer.make({ port: 0 }).pipe(Effect.provideService(Emulator.Emulator, emulator))
    const env = {
      GRAPH_BASE_URL: server.url,
      WORKER_TOKEN: emulator.token,
      WORKER_BUSINESS: emulator.businessIds[0]!,
      WORKER_GOVERNOR: governor,
      WORKER_PREFIX: uniquePrefix("workers"),
      WORKER_BUDGET_CALLS: String(budget),
      WORKER_BUDGET_WINDOW_MS: String(windowMillis),
      ...(redisUrl !== undefined ? { REDIS_URL: redisUrl } : {})
    }
    const workers = yield* Effect.forEach(Array.from({ length: count }), () => runWorker(env), {
      concurrency: "unbounded"
    })
    return { workers, log: yield* emulator.requests } satisfies Run
  }).pipe(Effect.scoped)

const refused = (run: Run) => run.log.filter((entry) => entry.errorCode === 80008).length

/** The most calls the emulator accepted within any one window, and how long the run took. */
const shape = (run: Run) => {
  const accepted = run.log.filter((entry) => entry.status === 200).map((entry) => entry.receivedAt)
  let peak = 0
  let start = 0
  for (let end = 0; end < accepted.length; end++) {
    while (accepted[end]! - accepted[start]! >= windowMillis) start++
    peak = Math.max(peak, end - start + 1)
  }
  const times = run.log.map((entry) => entry.receivedAt)
  return { peak, seconds: times.length === 0 ? 0 : (Math.max(...times) - Math.min(...times)) / 1000 }
}

const describeRun = (name: string, run: Run) =>
  `${name}: ${run.workers.length} worker(s), requests ${run.workers.map((w) => w.requests).join(" + ")} = ${
    run.workers.reduce((sum, w) => sum + w.requests, 0)
  } (budget ${budget} per ${windowMillis} ms), 80008 answers ${refused(run)}, accounts delivered ${
    run.workers.map((w) => w.delivered).join(" / ")
  } of ${accounts} each, holds ${run.workers.map((w) => w.waits).join(" / ")}, peak ${
    shape(run).peak
  } accepted calls in one window, ${shape(run).seconds.toFixed(1)} s, outcomes ${
    run.workers.map((w) => w.outcome).join(", ")
  }`

describe.skipIf(redisUrl === undefined)("worker processes sharing one business budget through Redis", () => {
  it.live(
    "each alone exceeds the budget; together, governed through Redis, they stay under it",
    () =>
      Effect.gen(function*() {
        const alone = yield* runWorkers(1, "off")
        const naive = yield* runWorkers(3, "off")
        const shared = yield* runWorkers(3, "redis")
        console.log(describeRun("one ungoverned worker", alone))
        console.log(describeRun("three ungoverned workers", naive))
        console.log(describeRun("three workers governed through Redis", shared))

        // One worker's job is more calls than the budget: alone and ungoverned it is refused.
        expect(pagesPerWorker).toBeGreaterThan(budget)
        expect(alone.workers[0]!.outcome).toBe("refused with 80008")
        expect(refused(alone)).toBe(1)
        // Three ungoverned workers are refused too.
        expect(refused(naive)).toBeGreaterThanOrEqual(1)
        expect(naive.workers.every((w) => w.outcome === "refused with 80008")).toBe(true)

        // Governed through Redis: never refused, everything delivered, far more calls than one budget.
        expect(refused(shared)).toBe(0)
        for (const worker of shared.workers) {
          expect(worker).toMatchObject({ outcome: "complete", delivered: accounts, refused: 0 })
          expect(worker.requests).toBeGreaterThan(budget)
        }
        expect(shared.log.filter((entry) => entry.status === 200).length).toBe(3 * pagesPerWorker)
        expect(shared.workers.reduce((sum, w) => sum + w.waits, 0)).toBeGreaterThan(0)
      }),
    { timeout: 180_000 }
  )
})
