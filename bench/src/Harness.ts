/**
 * Runs variants interleaved: round 1 runs A, B, C; round 2 runs B, C, A; and so on. Every variant
 * therefore sees the same mix of background load and the same share of first and last places, which
 * a block of A's repetitions followed by a block of B's would not give.
 */
import * as fs from "node:fs"
import { performance } from "node:perf_hooks"

export interface Variant {
  readonly name: string
  /** One measured run; resolves to how many items it handled (checked against `expect`). */
  readonly run: () => Promise<number>
  readonly expect?: number | undefined
}

export interface Samples {
  readonly name: string
  /** Wall time of each measured run, in milliseconds, in round order. */
  readonly ms: ReadonlyArray<number>
  /** CPU time (user + system) of this process during each run, in milliseconds. */
  readonly clientCpuMs: ReadonlyArray<number>
  /** CPU time of the server process during each run, in milliseconds (10 ms resolution), if known. */
  readonly serverCpuMs: ReadonlyArray<number>
}

const ticksPerSecond = 100

/** CPU time a process has used so far, from /proc (Linux only), in milliseconds. */
export const processCpuMs = (pid: number): number | undefined => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    // Fields after the command name, which may hold spaces, start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
  } catch {
    return undefined
  }
}

const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) gc()
}

export interface Measurement {
  readonly count: number
  readonly ms: number
  readonly clientCpuMs: number
  readonly serverCpuMs: number | undefined
}

export const timeOnce = async (run: () => Promise<number>, serverPid?: number): Promise<Measurement> => {
  collectGarbage()
  const server = serverPid === undefined ? undefined : processCpuMs(serverPid)
  const cpu = process.cpuUsage()
  const start = performance.now()
  const count = await run()
  const ms = performance.now() - start
  const { system, user } = process.cpuUsage(cpu)
  const serverAfter = serverPid === undefined ? undefined : processCpuMs(serverPid)
  return {
    count,
    ms,
    clientCpuMs: (user + system) / 1000,
    serverCpuMs: server === undefined || serverAfter === undefined ? undefined : serverAfter - server
  }
}

export const interleave = async (
  variants: ReadonlyArray<Variant>,
  options: {
    readonly repetitions: number
    readonly warmup: number
    readonly log: (line: string) => void
    readonly serverPid?: number | undefined
  }
): Promise<ReadonlyArray<Samples>> => {
  const ms = variants.map(() => [] as Array<number>)
  const clientCpu = variants.map(() => [] as Array<number>)
  const serverCpu = variants.map(() => [] as Array<number>)
  const rounds = options.warmup + options.repetitions
  for (let round = 0; round < rounds; round++) {
    const measured = round >= options.warmup
    const line: Array<string> = []
    for (let k = 0; k < variants.length; k++) {
      const index = (k + round) % variants.length
      const variant = variants[index]!
      const { clientCpuMs, count, ms: elapsed, serverCpuMs } = await timeOnce(variant.run, options.serverPid)
      if (variant.expect !== undefined && count !== variant.expect) {
        throw new Error(`${variant.name} handled ${count} items, expected ${variant.expect}`)
      }
      if (measured) {
        ms[index]!.push(elapsed)
        clientCpu[index]!.push(clientCpuMs)
        if (serverCpuMs !== undefined) serverCpu[index]!.push(serverCpuMs)
      }
      line.push(`${variant.name} ${elapsed.toFixed(0)} ms`)
    }
    options.log(`  ${measured ? `round ${round - options.warmup + 1}` : "warm-up"}: ${line.join(", ")}`)
  }
  return variants.map((variant, i) => ({
    name: variant.name,
    ms: ms[i]!,
    clientCpuMs: clientCpu[i]!,
    serverCpuMs: serverCpu[i]!
  }))
}
