/**
 * Stoplight Prism (the devDependency `@stoplight/prism-cli`) as a child process: a validating mock of
 * an OpenAPI document on a free loopback port.
 *
 * Prism validates every request against the document: a request that breaks it (a header's pattern,
 * a query parameter's enum or range, a path parameter) gets 422, with the violations in an
 * `sl-violations` response header. Its answers are the document's examples (the first, unless a
 * `Prefer: example=<name>` header asks for another).
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Net from "node:net"
import * as Path from "node:path"

/** One violation as Prism reports it in `sl-violations`. */
export interface Violation {
  /** Where: `["request", "header", "user-agent"]`, `["response", "body", ...]`, ... */
  readonly location: ReadonlyArray<string>
  readonly severity: string
  readonly code: string | number
  readonly message: string
}

/** The violations Prism attached to an answer (none when the header is absent). */
export const violations = (headers: Readonly<Record<string, string>>): ReadonlyArray<Violation> => {
  const raw = headers["sl-violations"]
  return raw === undefined ? [] : JSON.parse(raw) as ReadonlyArray<Violation>
}

export interface RunningPrism {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** Everything Prism printed, for failure messages. */
  readonly output: () => string
  readonly stop: () => Promise<void>
}

const prismBin = (): string => {
  const require = createRequire(import.meta.url)
  const manifest = require.resolve("@stoplight/prism-cli/package.json")
  const { bin } = JSON.parse(Fs.readFileSync(manifest, "utf8")) as { readonly bin: { readonly prism: string } }
  return Path.join(Path.dirname(manifest), bin.prism)
}

/** A port the OS just handed out on 127.0.0.1 (Prism cannot take port 0 itself). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

class PortTaken extends Error {}

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000)
    child.once("exit", () => {
      clearTimeout(force)
      resolve()
    })
    child.kill("SIGTERM")
  })

const startOnce = (document: string, port: number): Promise<RunningPrism> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [prismBin(), "mock", document, "-h", "127.0.0.1", "-p", String(port)],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } }
    )
    let output = ""
    let ready = false
    const running: RunningPrism = {
      url: `http://127.0.0.1:${port}`,
      output: () => output,
      stop: () => stopChild(child)
    }
    // Both pipes are drained for the whole life of the process, or Prism would block on a full pipe.
    const onData = (chunk: string) => {
      output += chunk
      if (!ready && output.includes("Prism is listening")) {
        ready = true
        resolve(running)
      }
    }
    child.stdout!.setEncoding("utf8").on("data", onData)
    child.stderr!.setEncoding("utf8").on("data", onData)
    child.once("error", (error) => {
      if (!ready) reject(error)
    })
    child.once("exit", (code, signal) => {
      if (ready) return
      reject(
        output.includes("EADDRINUSE")
          ? new PortTaken(`port ${port} was taken`)
          : new Error(`Prism exited (${code ?? signal}) before listening:\n${output}`)
      )
    })
  })

/**
 * Starts `prism mock <document>` on a free loopback port and resolves once it says it is listening.
 * The port is picked by the OS; another process can take it in between, so that is retried.
 */
export const start = async (document: string): Promise<RunningPrism> => {
  for (let attempt = 1;; attempt++) {
    try {
      return await startOnce(document, await freePort())
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= 5) throw error
    }
  }
}
