/**
 * `pnpm bench`: runs every scenario against emulator server processes on loopback and writes the
 * report. See `Settings.ts` for the knobs and `docs/benchmarks.md` for what each scenario measures.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import { describeMachine } from "./Machine.js"
import { renderReport } from "./Markdown.js"
import type { Section } from "./Report.js"
import * as Agency from "./scenarios/Agency.js"
import * as CliStart from "./scenarios/CliStart.js"
import type { ScenarioContext } from "./scenarios/Context.js"
import * as Expansion from "./scenarios/Expansion.js"
import * as FanOut from "./scenarios/FanOut.js"
import * as Inventory from "./scenarios/Inventory.js"
import * as LatencyHiding from "./scenarios/LatencyHiding.js"
import * as Memory from "./scenarios/Memory.js"
import * as Overhead from "./scenarios/Overhead.js"
import * as Throughput from "./scenarios/Throughput.js"
import { fromEnvironment, type ScenarioId } from "./Settings.js"

const scenarios: Record<ScenarioId, (context: ScenarioContext) => Promise<Section | ReadonlyArray<Section>>> = {
  throughput: Throughput.run,
  latency: LatencyHiding.run,
  memory: Memory.run,
  fanout: FanOut.run,
  overhead: Overhead.run,
  expansion: Expansion.run,
  "cli-start": CliStart.run,
  agency: Agency.run,
  inventory: Inventory.run
}

const settings = fromEnvironment()
const log = (line: string) => console.log(line)
const context: ScenarioContext = { settings, log, headline: "fetch" }
const machineBefore = describeMachine()
const started = performance.now()
const startedAt = new Date()
const sections: Array<Section> = []
const loads: Array<{ readonly before: number; readonly after: number; readonly seconds: number }> = []
for (const id of settings.scenarios) {
  const t0 = performance.now()
  const before = os.loadavg()[0]!
  const produced = [await scenarios[id](context)].flat()
  const seconds = (performance.now() - t0) / 1000
  for (const section of produced) {
    sections.push(section)
    loads.push({ before, after: os.loadavg()[0]!, seconds })
  }
  log(`${id} done in ${seconds.toFixed(1)} s`)
}
const elapsedSeconds = (performance.now() - started) / 1000
const machineAfter = describeMachine()

const markdown = renderReport({
  settings,
  machine: machineBefore,
  loadAfter: machineAfter.loadAverage,
  startedAt,
  elapsedSeconds,
  sections,
  loads
})
fs.mkdirSync(path.dirname(settings.out), { recursive: true })
fs.writeFileSync(settings.out, markdown)
fs.mkdirSync(path.dirname(settings.rawOut), { recursive: true })
fs.writeFileSync(
  settings.rawOut,
  JSON.stringify({ startedAt, elapsedSeconds, machine: machineBefore, settings, sections }, null, 2)
)
log(`wrote ${path.relative(process.cwd(), settings.out)} in ${elapsedSeconds.toFixed(0)} s`)
for (const section of sections) {
  for (const target of section.targets) {
    log(`${target.met ? "met   " : "MISSED"} ${target.description}: ${target.detail}`)
  }
}
// Keep-alive sockets and the SDK's axios agent would otherwise hold the process open for a while.
process.exit(0)
