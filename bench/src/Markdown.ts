/**
 * `docs/benchmarks.md`, generated. Prose that does not depend on the figures lives here too, so that
 * the whole file is rewritten by every full run and never drifts from the code.
 */
import type { Machine } from "./Machine.js"
import { renderSection, type Section } from "./Report.js"
import type { Settings } from "./Settings.js"

export interface ReportInput {
  readonly settings: Settings
  readonly machine: Machine
  readonly loadAfter: ReadonlyArray<number>
  readonly startedAt: Date
  readonly elapsedSeconds: number
  readonly sections: ReadonlyArray<Section>
  /** The 1-minute load average as each scenario started and ended, and how long it ran. */
  readonly loads: ReadonlyArray<{ readonly before: number; readonly after: number; readonly seconds: number }>
}

const reproduce = `## How to reproduce

\`\`\`sh
pnpm install
pnpm bench                      # builds, runs every scenario, rewrites docs/benchmarks.md
BENCH_QUICK=1 pnpm bench        # 2–3 minutes: fewer accounts and repetitions, written to bench/.results/
BENCH_SCENARIOS=throughput,overhead BENCH_REPS=9 pnpm bench   # some scenarios, more repetitions
\`\`\`

| variable | effect |
| --- | --- |
| \`BENCH_QUICK=1\` | 20,000 accounts for throughput, 20,000 vs 200,000 for memory (too short for V8's heap to settle: its memory ratio is not meaningful), 20 pages for latency hiding, 50 businesses for fan-out, one round of the fan-out at scale and of the ablation, 3 repetitions |
| \`BENCH_REPS=n\` | repetitions per variant in the timed scenarios (default 7; each after one warm-up round) |
| \`BENCH_SCENARIOS=a,b\` | only these of \`throughput\`, \`latency\`, \`memory\`, \`fanout\`, \`overhead\`, \`expansion\`, \`cli-start\` |
| \`BENCH_OUT=path\` | where the report goes (default: this file for a full run, \`bench/.results/benchmarks.md\` otherwise) |

Raw samples of the last run are in \`bench/.results/raw.json\` (not committed). To profile one client on its
own, against its own emulator process: \`node --cpu-prof bench/dist/Profile.js ours-undici 100000 3\` (or
\`ours-fetch\`, \`ours-node-http\`, \`ours-node-http-keepalive\`, \`bare\`, \`sdk\`), which also prints client
and server CPU per page; \`node --cpu-prof bench/dist/ProfileCanned.js stream\` profiles our CPU per page
without a socket (modes \`parse\`, \`decode\`, \`platform\`, \`get\`, \`bare-loop\`, \`stream\`).

How it runs: each scenario starts the emulator (\`@effect-waba/emulator\`, \`rateLimit: false\`) as a server on
loopback **in its own Node process** (\`bench/src/EmulatorProcess.ts\`), with the scenario's data size and
latency; the clients run in the benchmark process, except memory, where every measurement is a fresh child
process. Variants run interleaved (round 1: A B C, round 2: B C A, …) after one warm-up round, with a forced GC
before each run (\`--expose-gc\`); tables give the median, the full range and the interquartile range.
Ratios are given twice: the ratio of the medians, and the range of the per-round ratios (each round's pair
ran back to back, under the same background load). The machine is shared with other work, so treat
differences within the ranges as noise. Benchmarks never run in CI and assert nothing about time.

What each scenario measures:

- **Throughput** — time to stream every account of one large business, with Graph's default fields and with
  11 fields, ours against a bare \`fetch\` loop (the floor: the emulator's serving time plus the least a
  client can do) and Meta's SDK.
- **Latency hiding** — slow pages and a slow consumer: whether \`prefetch\` overlaps the two.
- **Memory** — peak RSS for 10× more accounts (1,000,000 against 10,000,000): whether streaming holds only
  the page in hand.
- **Fan-out** — many small businesses with server latency, one after another vs concurrently; then the
  agency job at scale (2,000 businesses × both edges, 100 ms, concurrency 32, Graph's budgets).
- **Overhead per request** — µs per request added by each layer (Effect platform, graph-core, waba)
  on a one-account page, over the socket and in-process, and per page of 100 in-process; then the ablation
  ("where the time goes"): each piece of the request path taken out in turn.
- **Field expansion** — \`expand: { phone_numbers }\` against the flat read of the same bytes, and the
  requests nested paging makes, counted in the emulator's request log.
- **CLI start** — \`waba --help\` and the embedded demo as whole processes, against \`node -e 0\`.
`

// Written by hand from profiling sessions (bench/src/Profile.ts, ProfileCanned.ts, --cpu-prof, and A/B runs
// of two builds of graph-core + waba loaded side by side in one process, interleaved, 8–12 rounds each).
// Dated: re-profile before trusting it after graph-core or waba change.
const profilingNotes = `## Profiling notes (2026-11-26, before the work on issue 15)

Written by hand, so dated: the measured ablation table above ("Where the time goes") is the current account;
these notes explain the shape of the cost. Then, the cause was not one hot spot but a fixed cost per request
and per account on a very short round trip:

- **The floor is tiny.** The emulator serves a page of 100 accounts in about 0.5 ms of CPU and the bare loop's
  client spends about 0.3 ms on it, so a page takes under a millisecond on loopback. Every 0.1 ms of client
  work per page is about 10% on the ratio. Against Graph itself (a page takes 100 ms or more) the same cost
  is well under 1%.
- **Where our extra ~0.5–0.7 ms of client CPU per page goes** (CPU profiles, the in-process table of
  scenario 5, and A/B runs removing one piece at a time from a build):
  - Schema decoding of 100 accounts with the node schema: the largest single item, about as much as
    \`JSON.parse\` of the page. Optional fields are \`Union(T, undefined)\` in Effect Schema's AST and
    ids/dates are unions with transforms; switching the node to exact optionals saved only ~3% of page CPU
    (not done: it changes the public type of every field).
  - The per-attempt timeout (\`Effect.timeoutFail\`: two fibers raced per request): removing it saved ~10% of
    wall time and ~13% of client CPU per page. Kept: it is the documented per-attempt timeout, must work with
    any \`HttpClient\` (by interruption) and under \`TestClock\`; a hand-rolled fork-and-timer version was
    slower in a micro-benchmark.
  - The \`@effect/platform\` \`HttpClient\` and the \`Stream\` around it: ~0.04 ms per request in-process
    (abort controller, finalization registry, header objects, the fiber runtime) and ~0.1 ms per page for
    the stream. Over the socket, \`NodeHttpClient.layerUndici\` (undici's request API) is cheaper than
    \`fetch\` and wins some of that back; \`NodeHttpClient.layer\`'s default agent has no keep-alive.
  - Within noise (under 3% each, measured A/B): the retry wrapper (building the schedule only after a first
    failure: no measurable change, reverted), span stack-trace capture (\`captureStackTrace: false\`: no
    change, not done), the request span itself (~2%), the in-memory rate governor (~3% of CPU, 0% wall;
    the emulator sends no usage headers with \`rateLimit: false\`), caching the page Schema per field list
    (no change: Effect memoises compiled parsers).
  - Garbage collection is 10–30% of client CPU in every profile: Effect allocates per operation.
- **Per stream, not per page:** a \`Stream\` costs ~0.25 ms of setup (channel executor, scopes) before its
  first request, which is what makes a one-page \`OwnedAccounts\` read cost more than \`GraphClient.get\` in
  scenario 5; over 1,000 pages it disappears. **Fixed here:** \`OwnedAccounts.pages\` wrapped its stream in
  \`Stream.unwrap(Effect.succeed(...))\` although the options are checked eagerly; returning the stream itself
  cut the CPU of a one-page read by 8–12% (A/B, min of 6 rounds: 481 → 422 and 436 → 399 µs), which is
  what a fan-out over many small businesses pays per business.
- A larger young generation (\`node --max-semi-space-size=64\`) cut our client CPU per page by ~10% in-process
  (the bare loop's by ~3%): a deployment knob, not a code change.
- **Memory** is flat: the heap retained after a full GC is the same after 100,000 and 1,000,000 accounts; the
  peak RSS is V8 sizing its heap to the allocation rate.
- \`prefetch\` does not raise throughput with a consumer that does nothing: decoding happens in the fetching
  fiber, so it only overlaps fetching with the consumer's own work (scenario 2).
`

export const renderReport = (input: ReportInput): string => {
  const { machine, settings } = input
  const load = (values: ReadonlyArray<number>) => values.map((v) => v.toFixed(2)).join(", ")
  const header = [
    "# Benchmarks",
    "",
    "<!-- Generated by `pnpm bench` (bench/src/main.ts); edit the generator, not this file. -->",
    "",
    `Run ${input.startedAt.toISOString().replace(/\.\d+Z$/, "Z")}${settings.quick ? " in **quick mode**" : ""}, ${
      input.elapsedSeconds.toFixed(0)
    } s in all.`,
    "",
    "| | |",
    "| --- | --- |",
    `| CPU | ${machine.cpu}, ${machine.cores} cores |`,
    `| RAM | ${machine.memoryGiB} GiB |`,
    `| OS | ${machine.os} |`,
    `| Node | ${machine.node} |`,
    ...Object.entries(machine.versions).map(([name, version]) => `| ${name} | ${version} |`),
    `| repetitions | ${settings.repetitions} per variant after 1 warm-up round (memory: ${settings.memory.repetitions} fresh processes per cell) |`,
    `| load average (1, 5, 15 min) | ${load(machine.loadAverage)} at start, ${load(input.loadAfter)} at end |`,
    ""
  ]
  const summary = [
    "## Targets",
    "",
    "Met or missed is decided by the generator from the figures of this run (`bench/src/scenarios/*.ts`). The load",
    "column is the machine's 1-minute load average as the scenario started → ended (2 cores: above 2 means other work",
    "was competing for the CPU).",
    "",
    "| scenario | target | result | load |",
    "| --- | --- | --- | --- |"
  ]
  for (const [i, section] of input.sections.entries()) {
    const load = input.loads[i]
    const during = load === undefined
      ? ""
      : `${load.before.toFixed(2)} → ${load.after.toFixed(2)} (${load.seconds.toFixed(0)} s)`
    for (const target of section.targets) {
      summary.push(
        `| ${section.title} | ${target.description} | ${
          target.met ? "met" : "**missed**"
        }: ${target.detail} | ${during} |`
      )
    }
  }
  summary.push("")
  const body = input.sections.map((section, i) => renderSection(section, i + 1))
  return [...header, ...summary, ...body, profilingNotes, reproduce].join("\n")
}
