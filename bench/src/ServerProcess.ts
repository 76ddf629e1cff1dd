/**
 * Starts and stops the emulator server process (see `EmulatorProcess.ts`).
 */
import type { BusinessSpec } from "@effect-waba/emulator/Dataset"
import type { Options as EmulatorOptions } from "@effect-waba/emulator/Emulator"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

/** What a scenario's server serves. */
export interface ServerSpec {
  /** Accounts per business, or each business's spec (client accounts, phone numbers). */
  readonly businesses: ReadonlyArray<number | BusinessSpec>
  /** Delay added to every response, in milliseconds. */
  readonly latencyMs?: number | undefined
  /** The emulator's rate limiting; off unless given (a benchmark pulls more than an hour's budget). */
  readonly rateLimit?: EmulatorOptions["rateLimit"]
}

/** What the server process prints once it listens. */
export interface ServerInfo {
  readonly url: string
  readonly token: string
  readonly businessIds: ReadonlyArray<string>
  readonly pid: number
}

export interface RunningServer extends ServerInfo {
  readonly stop: () => Promise<void>
}

const script = fileURLToPath(new URL("./EmulatorProcess.js", import.meta.url))

export const startServer = (spec: ServerSpec): Promise<RunningServer> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(spec)], { stdio: ["pipe", "pipe", "inherit"] })
    let buffered = ""
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8")
      const newline = buffered.indexOf("\n")
      if (newline < 0) return
      child.stdout.off("data", onData)
      const info = JSON.parse(buffered.slice(0, newline)) as ServerInfo
      resolve({
        ...info,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
          return exited
        }
      })
    }
    child.stdout.on("data", onData)
    child.once("error", reject)
    child.once("exit", (code, signal) => {
      if (buffered.indexOf("\n") < 0) reject(new Error(`The emulator process exited early (${code ?? signal})`))
    })
  })
