import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

/** The built executable the tests run, as a user would. */
export const bin = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../dist/bin.js")

/** Fails with a message saying how to build, instead of a confusing spawn error. */
export const requireBuild = () => {
  if (!Fs.existsSync(bin)) {
    throw new Error(
      `${bin} is missing: these tests run the built CLI. Run \`pnpm build\` first (\`pnpm test\` does it for you).`
    )
  }
}

export interface Result {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Everything every run printed, to check that no secret ever appeared. */
export const transcript: Array<string> = []

/**
 * Runs `waba` with exactly the given environment (plus PATH): nothing leaks in from the machine running
 * the tests, such as a real GRAPH_ACCESS_TOKEN.
 */
export const runCli = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {}
): Promise<Result> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code, signal) => {
      transcript.push(stdout, stderr)
      resolve({ code, signal, stdout, stderr })
    })
  })

/** The JSON objects of a jsonl output, failing on any line that is not one. */
export const jsonLines = (stdout: string): Array<Record<string, unknown>> => {
  if (stdout === "") return []
  if (!stdout.endsWith("\n")) throw new Error("jsonl output must end with a newline")
  return stdout.slice(0, -1).split("\n").map((line, i) => {
    const value: unknown = JSON.parse(line)
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new Error(`line ${i + 1} is not a JSON object: ${line}`)
    }
    return value as Record<string, unknown>
  })
}

/** A strict RFC 4180 reader: CRLF-terminated records, quoted fields with doubled quotes. */
export const parseCsv = (text: string): Array<Array<string>> => {
  const records: Array<Array<string>> = []
  let record: Array<string> = []
  let i = 0
  while (i < text.length) {
    let field = ""
    if (text[i] === "\"") {
      i++
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field")
        if (text[i] === "\"" && text[i + 1] === "\"") {
          field += "\""
          i += 2
        } else if (text[i] === "\"") {
          i++
          break
        } else {
          field += text[i++]
        }
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\r") {
        if (text[i] === "\"" || text[i] === "\n") throw new Error(`unquoted ${JSON.stringify(text[i])} at ${i}`)
        field += text[i++]
      }
    }
    record.push(field)
    if (text[i] === ",") {
      i++
    } else if (text.startsWith("\r\n", i)) {
      records.push(record)
      record = []
      i += 2
    } else {
      throw new Error(`expected "," or CRLF at ${i}`)
    }
  }
  return records
}
