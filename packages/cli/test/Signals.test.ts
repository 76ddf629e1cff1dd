/**
 * The built `waba` stopped by a signal part-way through a read: the exit code a shell expects, what
 * arrived still written, and advice that continues exactly where the output stopped.
 */
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { bin, jsonLines, requireBuild, runCli, transcript } from "./utils/runCli.js"

const token = "EAA-signals-test-token-51aa"

let emu: RunningEmulator
let business: string

beforeAll(async () => {
  requireBuild()
  // Slow pages, so that there is time to stop a read part-way.
  emu = await startEmulator({
    seed: 23,
    businesses: [200],
    token,
    rateLimit: false,
    faults: [{ kind: "latency", ms: 150, jitterMs: 0, when: { rate: 1 } }]
  })
  business = emu.businessIds[0]!
})

afterAll(async () => {
  await emu?.stop()
})

const env = () => ({ PATH: process.env.PATH ?? "", GRAPH_BASE_URL: emu.url, GRAPH_ACCESS_TOKEN: token })

/** Starts a read, sends `signal` once `lines` lines are out, and collects what it wrote. */
const stopAfter = (signal: NodeJS.Signals, lines: number) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "accounts", business, "--format", "jsonl", "--limit", "10"], {
      env: env(),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    let sent = false
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      if (!sent && stdout.split("\n").length > lines) {
        sent = true
        child.kill(signal)
      }
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      transcript.push(stdout, stderr)
      resolve({ code, stdout, stderr })
    })
  })

describe("signals", () => {
  it("Ctrl-C (SIGINT): exit 130, the accounts so far, and a --after that continues with the next one", async () => {
    const stopped = await stopAfter("SIGINT", 20)
    expect(stopped.code).toBe(130)
    const written = jsonLines(stopped.stdout)
    expect(written.length).toBeGreaterThanOrEqual(20)
    expect(written.length).toBeLessThan(200)
    const oracle = emu.accounts(business).map((a) => a.id)
    expect(written.map((a) => a.id)).toEqual(oracle.slice(0, written.length))
    expect(stopped.stderr).toContain(`waba: interrupted after ${written.length} accounts.`)
    const cursor = /run the same command with: --after (\S+)\n$/.exec(stopped.stderr)?.[1]
    expect(cursor).toBeDefined()

    const rest = await runCli(["accounts", business, "--format", "jsonl", "--limit", "50", "--after", cursor!], env())
    expect(rest.code).toBe(0)
    expect(jsonLines(rest.stdout).map((a) => a.id)).toEqual(oracle.slice(written.length))
  })

  it("SIGTERM: exit 143, with the same advice", async () => {
    const stopped = await stopAfter("SIGTERM", 10)
    expect(stopped.code).toBe(143)
    expect(stopped.stderr).toMatch(
      /^waba: interrupted after \d+ accounts\. To continue where this stopped, run the same command with: --after \S+\n$/
    )
  })
})
