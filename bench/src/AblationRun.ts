/**
 * The measuring half of an ablation cell (see `AblationChild.ts`): `OwnedAccounts.stream` over a chain of
 * canned pages, with the pieces the job names taken out, against the bare floor (Response + text +
 * JSON.parse, following `next`) in the same process, run after run alternately. Prints one line of JSON.
 */
import { RateGovernor } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import { performance } from "node:perf_hooks"
import type { Piece } from "./AblationHooks.js"
import { type CannedPage, cannedRuntime, chain } from "./Canned.js"
import { fields } from "./Clients.js"

export interface AblationJob {
  readonly pagesFile: string
  /** Pieces taken out by swapping graph-core modules. */
  readonly hooked: ReadonlyArray<Piece>
  /** `false`: `retry: false` in the config. */
  readonly retry: boolean
  /** `false`: `RateGovernor.disabled`. */
  readonly governor: boolean
  readonly runs: number
}

export interface PagesFile {
  readonly url: string
  readonly token: string
  readonly businessId: string
  readonly firstUrl: string
  readonly page: CannedPage
  readonly pageCount: number
}

export interface AblationResult {
  /** µs per page of each measured run. */
  readonly streamUs: ReadonlyArray<number>
  readonly streamCpuUs: ReadonlyArray<number>
  readonly floorUs: ReadonlyArray<number>
  readonly floorCpuUs: ReadonlyArray<number>
  /** The pieces the hooks did take out (checked by the parent against what was asked). */
  readonly ablated: ReadonlyArray<string>
}

const job = JSON.parse(process.argv[2] ?? "{}") as AblationJob
const input = JSON.parse(fs.readFileSync(job.pagesFile, "utf8")) as PagesFile
const { respond } = chain(input.page, input.pageCount)
const runtime = cannedRuntime(input, respond, {
  ...(job.retry ? {} : { retry: false as const }),
  ...(job.governor ? {} : { governor: RateGovernor.disabled })
})
const total = input.pageCount * 100

const stream = async () => {
  const n = await runtime.runPromise(Stream.runCount(OwnedAccounts.stream(input.businessId, { fields, limit: 100 })))
  if (n !== total) throw new Error(`streamed ${n} accounts, expected ${total}`)
}
const floor = async () => {
  let link: string | undefined = input.firstUrl
  let seen = 0
  while (link !== undefined) {
    const page = JSON.parse(await respond(link).text()) as { data: ReadonlyArray<unknown>; paging?: { next?: string } }
    seen += page.data.length
    link = page.paging?.next
  }
  if (seen !== total) throw new Error(`the floor read ${seen} accounts, expected ${total}`)
}
const gc = (globalThis as { gc?: () => void }).gc
const time = async (run: () => Promise<void>) => {
  gc?.()
  const cpu = process.cpuUsage()
  const start = performance.now()
  await run()
  const wall = performance.now() - start
  const used = process.cpuUsage(cpu)
  return { us: (wall * 1000) / input.pageCount, cpuUs: (used.user + used.system) / input.pageCount }
}

const streamUs: Array<number> = []
const streamCpuUs: Array<number> = []
const floorUs: Array<number> = []
const floorCpuUs: Array<number> = []
// Two warm-up rounds (JIT), then alternate, swapping which goes first.
for (let round = -2; round < job.runs; round++) {
  const order = round % 2 === 0 ? [stream, floor] : [floor, stream]
  for (const run of order) {
    const measured = await time(run)
    if (round < 0) continue
    if (run === stream) {
      streamUs.push(measured.us)
      streamCpuUs.push(measured.cpuUs)
    } else {
      floorUs.push(measured.us)
      floorCpuUs.push(measured.cpuUs)
    }
  }
}
await runtime.dispose()
const result: AblationResult = {
  streamUs,
  streamCpuUs,
  floorUs,
  floorCpuUs,
  ablated: (globalThis as { __benchAblated?: ReadonlyArray<string> }).__benchAblated ?? []
}
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
