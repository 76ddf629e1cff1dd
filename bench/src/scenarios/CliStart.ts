/**
 * Scenario 6: how long the `waba` command line takes to start and finish, as a whole process, against a
 * bare `node -e 0`: `waba --help`, and the embedded demo (`waba accounts` with no token: 137 accounts from
 * an emulator inside the process, as a table). The variants run interleaved, round after round, so that
 * each round's ratio saw the same background load; the unbundled program (`dist/main.js`, what `tsc`
 * emits) shows what the bundle and its code cache save.
 *
 * Besides wall time, each process reports its own CPU time as it exits (a preloaded one-line hook writes
 * `process.cpuUsage()` to a pipe), which a busy machine disturbs much less than wall time.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import { ms, range, ratio, type Section } from "../Report.js"
import { pairedRatios, summarize } from "../Stats.js"
import type { ScenarioContext } from "./Context.js"

// Loaded into every variant alike, `node -e 0` included.
const reportCpu = "data:text/javascript,import{writeSync}from'node:fs';process.on('exit',()=>{" +
  "const u=process.cpuUsage();writeSync(3,String((u.user+u.system)/1000))})"

interface Variant {
  readonly name: string
  readonly args: ReadonlyArray<string>
}

export const run = async (context: ScenarioContext): Promise<Section> => {
  const dist = path.join(context.settings.repoRoot, "packages/cli/dist")
  const bin = path.join(dist, "bin.js")
  const unbundled = path.join(dist, "main.js")
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: build the CLI first (pnpm build)`)
  const variants: ReadonlyArray<Variant> = [
    { name: "node -e 0", args: ["-e", "0"] },
    { name: "waba --help", args: [bin, "--help"] },
    { name: "waba accounts (demo)", args: [bin, "accounts"] },
    { name: "waba --help, unbundled", args: [unbundled, "--help"] },
    { name: "waba accounts (demo), unbundled", args: [unbundled, "accounts"] }
  ]
  // Nothing from this shell may turn the demo into a real read.
  const env = { PATH: process.env.PATH ?? "" }
  const rounds = context.settings.quick ? 5 : 20
  const wall = variants.map(() => [] as Array<number>)
  const cpu = variants.map(() => [] as Array<number>)
  for (let round = -1; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (k + Math.max(0, round)) % variants.length
      const started = performance.now()
      const result = spawnSync(process.execPath, ["--import", reportCpu, ...variants[index]!.args], {
        env,
        stdio: ["ignore", "ignore", "ignore", "pipe"]
      })
      const elapsed = performance.now() - started
      if (result.status !== 0) throw new Error(`${variants[index]!.name} exited with ${result.status}`)
      // Round -1 warms the file cache.
      if (round >= 0) {
        wall[index]!.push(elapsed)
        cpu[index]!.push(Number(String(result.output[3])))
      }
    }
  }
  const ratioOf = (samples: ReadonlyArray<ReadonlyArray<number>>, i: number) =>
    summarize(pairedRatios(samples[i]!, samples[0]!))
  const relative = (samples: ReadonlyArray<ReadonlyArray<number>>, i: number) =>
    i === 0 ? "" : `${ratio(ratioOf(samples, i).median)} (${range(ratioOf(samples, i), ratio)})`
  const rows = variants.map((variant, i) => [
    variant.name,
    ms(summarize(wall[i]!).median),
    relative(wall, i),
    ms(summarize(cpu[i]!).median),
    relative(cpu, i)
  ])
  const detail = (i: number) =>
    `${ratio(ratioOf(wall, i).median)} wall, ${ratio(ratioOf(cpu, i).median)} CPU (medians of per-round ratios)`
  context.log(`  waba --help ${detail(1)}; demo ${detail(2)}`)
  return {
    id: "cli-start",
    title: "CLI start",
    setup: `Whole processes, ${rounds} interleaved rounds after one warm-up, from spawn to exit. Each ratio is ` +
      "taken round by round against `node -e 0` in the same round; the targets are judged on wall time.",
    tables: [{
      headers: [
        "command",
        "wall ms (median)",
        "× node -e 0, wall (min–max)",
        "CPU ms (median)",
        "× node -e 0, CPU (min–max)"
      ],
      rows
    }],
    targets: [
      { description: "`waba --help` ≤ 3× `node -e 0`", met: ratioOf(wall, 1).median <= 3, detail: detail(1) },
      { description: "the embedded demo ≤ 5× `node -e 0`", met: ratioOf(wall, 2).median <= 5, detail: detail(2) }
    ],
    notes: [],
    raw: variants.map((variant, i) => ({ name: variant.name, wallMs: wall[i], cpuMs: cpu[i] }))
  }
}
