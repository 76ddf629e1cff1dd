/**
 * The agency job (issue 24): every account, owned and shared, of many client businesses, with its phone
 * numbers, each business read with its own token; unbatched, batched, and Meta's Node SDK. The emulator
 * runs in this process on loopback; every client run is a fresh child process.
 *
 * Knobs: `BENCH_AGENCY_BUSINESSES` (default 200), `BENCH_AGENCY_MEMORY` (the two sizes of the memory
 * comparison, default `200,2000`; the issue asks for `2000,20000`), `BENCH_AGENCY_SDK_BUSINESSES` (default 4: the SDK reads one business
 * after another), `BENCH_AGENCY_LATENCY_MS` (default 100).
 */
import { startEmulator } from "@effect-waba/emulator/PromiseApi"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import type { AgencyJob, AgencyResult } from "../AgencyChild.js"
import { businessId, integer, owned, partnerToken, phones, shared, tokenOf } from "../AgencyData.js"
import { count, ms, ratio, type Section } from "../Report.js"
import { summarize } from "../Stats.js"
import type { ScenarioContext } from "./Context.js"

const childScript = fileURLToPath(new URL("../AgencyChild.js", import.meta.url))

const concurrency = 32

// The figures to reach.
const maxFirstAccount = 3
const maxIdealRatio = 1.15
const minFewerRoundTrips = 10
const minLessWall = 4
const maxRssGrowth = 1.3

interface Run extends AgencyResult {
  /** HTTP requests the emulator received (a batch `POST /` is one). */
  readonly roundTrips: number
  /** Graph reads it answered (each call of a batch is one). */
  readonly calls: number
}

const runChild = (job: AgencyJob): Promise<AgencyResult> =>
  new Promise((resolve, reject) => {
    execFile(process.execPath, [childScript, JSON.stringify(job)], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`agency child failed: ${stderr}`, { cause: error }))
      // The client logs its retries on stdout too: the result is the last line.
      resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as AgencyResult)
    })
  })

const mib = (kib: number) => (kib / 1024).toFixed(1)

export const run = async (context: ScenarioContext): Promise<Section> => {
  const businesses = integer("BENCH_AGENCY_BUSINESSES", context.settings.quick ? 100 : 200)
  const memorySizes = (process.env.BENCH_AGENCY_MEMORY ?? (context.settings.quick ? "64,640" : "200,2000"))
    .split(",").map(Number)
  if (memorySizes.length !== 2 || memorySizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error("BENCH_AGENCY_MEMORY must be two sizes, e.g. 2000,20000")
  }
  const [small, large] = memorySizes as [number, number]
  const sdkBusinesses = integer("BENCH_AGENCY_SDK_BUSINESSES", context.settings.quick ? 2 : 4)
  const latencyMs = integer("BENCH_AGENCY_LATENCY_MS", 100)
  const rounds = context.settings.quick ? 1 : 3
  const size = Math.max(businesses, large, sdkBusinesses)
  const ids = Array.from({ length: size }, (_, i) => businessId(i))

  const emulator = await startEmulator({
    host: "127.0.0.1",
    seed: "effect-waba-bench-agency",
    businesses: ids.map((id) => ({ id, accounts: owned, clientAccounts: shared, phoneNumbers: phones })),
    // Each business's token reads that business only; the partner's own token signs batch requests.
    tokens: [{ token: partnerToken }, ...ids.map((id) => ({ token: tokenOf(id), businesses: [id] }))],
    rateLimit: false,
    requestLogLimit: 10_000_000,
    faults: [{ kind: "latency", ms: latencyMs, when: { rate: 1 } }]
  })
  const measure = async (job: Omit<AgencyJob, "url" | "partnerToken">): Promise<Run> => {
    emulator.resetRequests()
    const result = await runChild({ ...job, url: emulator.url, partnerToken })
    const log = emulator.requests()
    const run: Run = {
      ...result,
      roundTrips: log.filter((entry) => entry.transport !== "batch").length,
      calls: log.filter((entry) => entry.method === "GET").length
    }
    context.log(
      `  ${job.client} ${count(job.businesses)} businesses${job.batch ? " batched" : ""}: ${
        ms(run.ms)
      } ms, first account ${ms(run.firstAccountMs)} ms, ${count(run.accounts)} accounts, ${
        count(run.phoneNumbers)
      } phone numbers, ${count(run.roundTrips)} round trips, ${
        count(run.calls)
      } reads, ${run.failures} failures, peak RSS ${mib(run.maxRssKiB)} MiB`
    )
    return run
  }
  try {
    context.log(
      `agency: ${businesses} businesses × (${owned} owned + ${shared} shared accounts, ${phones} phone numbers each), ${latencyMs} ms, concurrency ${concurrency}`
    )
    const unbatched: Array<Run> = []
    const batched: Array<Run> = []
    const bare: Array<Run> = []
    for (let round = 0; round < rounds; round++) {
      bare.push(await measure({ client: "bare", businesses, concurrency, batch: false }))
      unbatched.push(await measure({ client: "ours", businesses, concurrency, batch: false }))
      batched.push(await measure({ client: "ours", businesses, concurrency, batch: true }))
    }
    const sdk = await measure({ client: "sdk", businesses: sdkBusinesses, concurrency: 1, batch: false })
    const memory = {
      small: await measure({ client: "ours", businesses: small, concurrency, batch: true }),
      large: await measure({ client: "ours", businesses: large, concurrency, batch: true })
    }

    const median = (runs: ReadonlyArray<Run>, of: (r: Run) => number) => summarize(runs.map(of)).median
    const wall = median(unbatched, (r) => r.ms)
    const wallBatched = median(batched, (r) => r.ms)
    const trips = median(unbatched, (r) => r.roundTrips)
    const tripsBatched = median(batched, (r) => r.roundTrips)
    const ideal = (trips * latencyMs) / concurrency
    const wallBare = median(bare, (r) => r.ms)
    const firstBare = median(bare, (r) => r.firstAccountMs)
    const first = median(unbatched, (r) => r.firstAccountMs)
    const firstBatched = median(batched, (r) => r.firstAccountMs)
    const rssGrowth = memory.large.maxRssKiB / memory.small.maxRssKiB
    // The SDK reads one business after another: its time per business, times the businesses of our runs.
    const sdkPerBusiness = sdk.ms / sdkBusinesses
    const sdkExtrapolated = sdkPerBusiness * businesses

    const row = (name: string, runs: ReadonlyArray<Run>, n: number) => [
      name,
      count(n),
      ms(median(runs, (r) => r.ms)),
      ms(median(runs, (r) => r.firstAccountMs)),
      count(median(runs, (r) => r.roundTrips)),
      count(median(runs, (r) => r.calls)),
      count(median(runs, (r) => r.accounts)),
      count(median(runs, (r) => r.phoneNumbers)),
      count(median(runs, (r) => r.failures)),
      mib(median(runs, (r) => r.maxRssKiB))
    ]
    return {
      id: "agency",
      title: "The agency job: a token per business, streamed, batched",
      setup: `${
        count(businesses)
      } businesses, each owning ${owned} accounts with ${shared} more shared with it (by other businesses of the set), ${phones} phone numbers per account, and its own token: the emulator accepts business B's token for B only, the partner's token (the config's) signs batch requests. \`ManagedAccounts.stream(ids, { fields, expand: { phone_numbers: { fields } }, concurrency: ${concurrency}, batch })\` on a \`GraphClient\` (FetchHttpClient, in-memory rate governor) with \`GraphCredentials.layer\` mapping each business to its token: the phone numbers come inside the account pages, so a business costs 2 reads (one page per edge at the default page size 100). The emulator (in the bench's process, on loopback, rate limiting off) delays every answer by ${latencyMs} ms — each call of a batch and the batch itself too. Round trips and reads are counted from the emulator's request log (a batch \`POST /\` is one round trip; each of its calls one read). Ideal = round trips × ${latencyMs} ms / ${concurrency}. The baseline is a bare loop in a child process of its own making the same requests, ${concurrency} at a time, with \`fetch\` and \`JSON.parse\` and nothing else: on one machine the emulator and the client share its cores, so it shows what the machine allows any client. Each run is a fresh Node process (V8 defaults); ${rounds} round(s) of the timed runs, medians. Meta's Node SDK (facebook-nodejs-business-sdk) does the same job as its docs show: for each business in turn, \`FacebookAdsApi.init(token)\`, both edges through its Cursor, then \`getPhoneNumbers\` of each account not seen before; it is run over the first ${sdkBusinesses} businesses and its time per business scaled to ${
        count(businesses)
      }. Peak RSS (\`process.resourceUsage().maxRSS\`) is compared batched, at ${count(small)} and ${
        count(large)
      } businesses. Sizes: \`BENCH_AGENCY_BUSINESSES\`, \`BENCH_AGENCY_MEMORY\`, \`BENCH_AGENCY_SDK_BUSINESSES\`, \`BENCH_AGENCY_LATENCY_MS\`.`,
      tables: [{
        headers: [
          "client",
          "businesses",
          "median ms",
          "first account ms",
          "round trips",
          "reads",
          "accounts",
          "phone numbers",
          "failures",
          "peak RSS MiB"
        ],
        rows: [
          row("bare fetch loop (baseline), unbatched", bare, businesses),
          row("effect-waba, unbatched", unbatched, businesses),
          row("effect-waba, batched", batched, businesses),
          row("Meta's Node SDK, one business after another", [sdk], sdkBusinesses),
          row("effect-waba, batched (memory)", [memory.small], small),
          row("effect-waba, batched (memory)", [memory.large], large)
        ]
      }],
      targets: [
        {
          description: `time to the first account ≤ ${maxFirstAccount}× one response's latency (${
            maxFirstAccount * latencyMs
          } ms)`,
          met: first <= maxFirstAccount * latencyMs,
          detail: `${ms(first)} ms unbatched (${ratio(first / latencyMs)}), ${ms(firstBatched)} ms batched (${
            ratio(firstBatched / latencyMs)
          }); the bare loop's ${ms(firstBare)} ms (${ratio(firstBare / latencyMs)})`
        },
        {
          description: `unbatched wall ≤ ${maxIdealRatio}× the ideal (round trips × latency / concurrency)`,
          met: wall <= maxIdealRatio * ideal,
          detail: `${ms(wall)} ms against ${ms(ideal)} ms ideal (${ratio(wall / ideal)}; ${
            count(trips)
          } round trips); the bare loop, same requests, same run: ${ms(wallBare)} ms (${
            ratio(wallBare / ideal)
          } the ideal; ours ${ratio(wall / wallBare)} the bare loop's)`
        },
        {
          description: `batched: ≥ ${minFewerRoundTrips}× fewer round trips than unbatched`,
          met: trips / tripsBatched >= minFewerRoundTrips,
          detail: `${count(tripsBatched)} against ${count(trips)} (${ratio(trips / tripsBatched)})`
        },
        {
          description: `batched: ≥ ${minLessWall}× less wall than unbatched, same concurrency`,
          met: wall / wallBatched >= minLessWall,
          detail: `${ms(wallBatched)} ms against ${ms(wall)} ms (${ratio(wall / wallBatched)})`
        },
        {
          description: `peak RSS at ${count(large)} businesses ≤ ${maxRssGrowth}× that at ${count(small)}`,
          met: rssGrowth <= maxRssGrowth,
          detail: `${mib(memory.large.maxRssKiB)} MiB against ${mib(memory.small.maxRssKiB)} MiB (${ratio(rssGrowth)})`
        }
      ],
      notes: [
        `Against Meta's Node SDK (reported, no target): ${ms(sdkPerBusiness)} ms per business one after another (${
          count(sdk.roundTrips)
        } round trips for ${sdkBusinesses} businesses), so about ${(sdkExtrapolated / 1000).toFixed(1)} s for ${
          count(businesses)
        } businesses: ${ratio(sdkExtrapolated / wall)} effect-waba's unbatched wall, ${
          ratio(sdkExtrapolated / wallBatched)
        } its batched wall.`
      ],
      raw: { bare, unbatched, batched, sdk, memory }
    }
  } finally {
    await emulator.stop()
  }
}
