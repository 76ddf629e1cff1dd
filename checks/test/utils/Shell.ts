import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { repositoryRoot } from "../../src/DocFences.js"

/** The built CLI the docs' commands run; `pnpm test` builds it before the tests. */
export const bin = Path.join(repositoryRoot, "packages/cli/dist/bin.js")

export const requireBuild = () => {
  if (!Fs.existsSync(bin)) {
    throw new Error(`${bin} is missing: these tests run the built CLI. Run \`pnpm build\` first.`)
  }
}

/**
 * A folder holding a `waba` executable that runs the built CLI, to put first on PATH: the docs write `waba`
 * as an installed CLI would be called.
 */
export const wabaOnPath = (): string => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-waba-docs-bin-"))
  Fs.writeFileSync(Path.join(dir, "waba"), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`, { mode: 0o755 })
  return dir
}

/**
 * What the commands run with: PATH (with `waba`) and HOME, nothing else. A real GRAPH_ACCESS_TOKEN of the
 * machine running the tests never leaks in, and pnpm's own npm_config_* settings do not either. pnpm's
 * update check is off: it would ask the registry, and tests never touch the network.
 */
export const environment = (binDir: string, extra: Readonly<Record<string, string>> = {}) => ({
  PATH: `${binDir}${Path.delimiter}${Path.dirname(process.execPath)}${Path.delimiter}${process.env.PATH ?? ""}`,
  HOME: process.env.HOME ?? Os.tmpdir(),
  npm_config_update_notifier: "false",
  ...extra
})

export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command line (or a whole script) with bash, as a reader would paste it. */
export const sh = (
  script: string,
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string>>; readonly timeoutMs?: number }
): Promise<Result> =>
  new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true
    })
    let stdout = ""
    let stderr = ""
    // A hung command must not hang the suite: its whole process group goes after the deadline.
    const timer = setTimeout(() => killGroup(child.pid), options.timeoutMs ?? 60_000)
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

const killGroup = (pid: number | undefined) => {
  if (pid === undefined) return
  try {
    process.kill(-pid, "SIGTERM")
  } catch {
    // already gone
  }
}

export interface Background {
  /** The first stdout line that is a JSON object: `waba emulator`'s ready line (pnpm may print lines before). */
  readonly ready: Record<string, unknown>
  /** Everything the command printed on stdout so far. */
  readonly stdout: () => string
  /** Stops the command's whole process group and resolves with its exit code. */
  readonly stop: () => Promise<number | null>
}

/** Starts a long-running command line and resolves once it has printed its JSON ready line. */
export const background = (
  command: string,
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string>> }
): Promise<Background> =>
  new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", `exec ${command}`], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true
    })
    let stdout = ""
    let stderr = ""
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)))
    child.on("error", reject)
    child.on("exit", (code) =>
      reject(new Error(`${command} exited (${code}) before its ready line:\n${stdout}${stderr}`)))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const line = stdout.split("\n").slice(0, -1).find((text) =>
        text.startsWith("{")
      )
      if (line === undefined) return
      resolve({
        ready: JSON.parse(line) as Record<string, unknown>,
        stdout: () => stdout,
        stop: () => {
          killGroup(child.pid)
          return exited
        }
      })
    })
  })

/** The lines of a command's stdout that are JSON objects (pnpm's header lines are not). */
export const jsonObjects = (stdout: string): Array<Record<string, unknown>> =>
  stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>)
