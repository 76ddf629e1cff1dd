/**
 * The built `waba` executable, run as a child process against the emulator's real HTTP server on
 * loopback, the way a person or a script would use it.
 */
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as Net from "node:net"
import { bin, jsonLines, parseCsv, requireBuild, runCli, transcript } from "./utils/runCli.js"

const token = "EAA-cli-test-secret-8d2f6a1c"
const expiredToken = "EAA-cli-test-expired-51b9e0"
const limitedToken = "EAA-cli-test-limited-7c3e44"
const appSecret = "cli-test-app-secret-e4f1a9"
const secrets = [token, expiredToken, limitedToken, appSecret]

let emu: RunningEmulator
let big: string // 137 accounts
let small: string // 12 accounts

const env = (extra: Record<string, string> = {}) => ({
  GRAPH_BASE_URL: emu.url,
  GRAPH_ACCESS_TOKEN: token,
  ...extra
})

const accounts = (args: ReadonlyArray<string>, extra: Record<string, string> = {}) =>
  runCli(["accounts", ...args], env(extra))

const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z")

beforeAll(async () => {
  requireBuild()
  emu = await startEmulator({
    seed: 42,
    businesses: [137, 12],
    token,
    appSecret,
    tokens: [
      { token: expiredToken, expiresAt: 0 },
      { token: limitedToken, businesses: [] }
    ]
  })
  ;[big, small] = emu.businessIds as [string, string]
})

afterAll(async () => {
  await emu?.stop()
})

describe("formats", () => {
  it("jsonl: one JSON object per line, as the emulator holds them, paged by --limit", async () => {
    emu.resetRequests()
    const result = await accounts([big, "--format", "jsonl", "--limit", "50", "--fields", "name,creation_time"])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe("")
    const oracle = emu.accounts(big)
    expect(jsonLines(result.stdout)).toEqual(
      oracle.map((a) => ({ id: a.id, name: a.name, creation_time: isoOf(a.creation_time) }))
    )
    expect(emu.requests().map((r) => r.query.limit)).toEqual(["50", "50", "50"])
  })

  it("json: one array with Graph's field names", async () => {
    const result = await accounts([small, "--format", "json"])
    expect(result.code).toBe(0)
    const parsed = JSON.parse(result.stdout) as Array<Record<string, unknown>>
    expect(parsed.map((a) => a.id)).toEqual(emu.accounts(small).map((a) => a.id))
    expect(Object.keys(parsed[0]!)).toEqual(["id", "name", "currency", "timezone_id", "message_template_namespace"])
  })

  it("csv: RFC 4180, nested objects quoted as JSON", async () => {
    const result = await accounts([small, "--format", "csv", "--fields", "name,health_status,creation_time"])
    expect(result.code).toBe(0)
    const records = parseCsv(result.stdout)
    expect(records[0]).toEqual(["id", "name", "health_status", "creation_time"])
    const oracle = emu.accounts(small)
    expect(records.slice(1)).toEqual(
      oracle.map((a) => [a.id, a.name, JSON.stringify(a.health_status), isoOf(a.creation_time)])
    )
    // health_status holds commas and quotes, so every such field went out quoted.
    expect(result.stdout).toContain(",\"{\"\"can_send_message\"\":")
  })

  it("table (the default): a header, aligned rows with ISO dates, and a count", async () => {
    const result = await accounts([big, "--fields", "name,creation_time,health_status"])
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split("\n")
    expect(lines[0]).toMatch(/^id {2,}name {2,}creation_time {2,}health_status$/)
    expect(lines[1]).toMatch(/^-+ {2}-+ {2}-+ {2}-+$/)
    expect(lines.at(-1)).toBe("137 accounts")
    const oracle = emu.accounts(big)
    const start = lines[0]!.indexOf("creation_time")
    lines.slice(2, -1).forEach((line, i) => {
      expect(line.startsWith(oracle[i]!.id)).toBe(true)
      expect(line.slice(start)).toMatch(new RegExp(`^${isoOf(oracle[i]!.creation_time)} +[A-Z]+$`))
    })
  })
})

describe("filters, sorting and stopping early", () => {
  it("creation_time bounds select exactly the accounts in range, sent as real JSON", async () => {
    emu.resetRequests()
    const result = await accounts([
      big,
      "--format",
      "jsonl",
      "--filter",
      "creation_time>=2021-01-01",
      "--filter",
      "creation_time<2023-01-01"
    ])
    expect(result.code).toBe(0)
    const from = Date.UTC(2021, 0, 1) / 1000
    const to = Date.UTC(2023, 0, 1) / 1000
    const expected = emu.accounts(big).filter((a) => a.creation_time >= from && a.creation_time < to)
    expect(expected.length).toBeGreaterThan(0)
    expect(jsonLines(result.stdout).map((a) => a.id)).toEqual(expected.map((a) => a.id))
    // Only the operators Graph documents for this edge go out: >= t is sent as > t-1.
    expect(JSON.parse(emu.requests()[0]!.query.filtering!)).toEqual([
      { field: "creation_time", operator: "GREATER_THAN", value: from - 1 },
      { field: "creation_time", operator: "LESS_THAN", value: to }
    ])
  })

  it("a date range includes its last day; ownership_type takes a list", async () => {
    const range = await accounts([big, "--format", "jsonl", "--filter", "creation_time=2020-01-01..2021-06-30"])
    const from = Date.UTC(2020, 0, 1) / 1000
    const to = Date.UTC(2021, 5, 30, 23, 59, 59) / 1000
    expect(jsonLines(range.stdout).map((a) => a.id)).toEqual(
      emu.accounts(big).filter((a) => a.creation_time >= from && a.creation_time <= to).map((a) => a.id)
    )
    const owned = await accounts([
      big,
      "--format",
      "jsonl",
      "--fields",
      "ownership_type",
      "--filter",
      "ownership_type=self,ON_BEHALF_OF"
    ])
    const expected = emu.accounts(big).filter((a) => a.ownership_type === "SELF" || a.ownership_type === "ON_BEHALF_OF")
    expect(expected.length).toBeGreaterThan(0)
    expect(jsonLines(owned.stdout)).toEqual(expected.map((a) => ({ id: a.id, ownership_type: a.ownership_type })))
  })

  it("--sort desc returns the newest first", async () => {
    const result = await accounts([big, "--format", "jsonl", "--sort", "desc", "--max", "5"])
    expect(jsonLines(result.stdout).map((a) => a.id)).toEqual(
      emu.accounts(big, { descending: true }).slice(0, 5).map((a) => a.id)
    )
  })

  it("--max stops early: no page beyond the one holding the last account is requested", async () => {
    emu.resetRequests()
    const thirty = await accounts([big, "--format", "jsonl", "--limit", "25", "--max", "30"])
    expect(thirty.code).toBe(0)
    expect(jsonLines(thirty.stdout)).toHaveLength(30)
    expect(emu.requests()).toHaveLength(2)

    emu.resetRequests()
    const one = await accounts([big, "--format", "jsonl", "--limit", "25", "--max", "25"])
    expect(jsonLines(one.stdout)).toHaveLength(25)
    expect(emu.requests()).toHaveLength(1)
  })

  it("--prefetch reads the same accounts, fetching ahead", async () => {
    emu.resetRequests()
    const result = await accounts([small, "--format", "jsonl", "--limit", "5", "--prefetch", "2"])
    expect(result.code).toBe(0)
    expect(jsonLines(result.stdout).map((a) => a.id)).toEqual(emu.accounts(small).map((a) => a.id))
    expect(emu.requests()).toHaveLength(3)
  })

  it("--after resumes from a cursor", async () => {
    const result = await accounts([big, "--format", "jsonl", "--limit", "10", "--after", "dummy-cursor"])
    // The emulator refuses a cursor it never issued, as Graph does; what matters is that it was sent.
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("The --after cursor is not valid any more.")
  })
})

describe("bad input: a clear message, exit 2, nothing sent", () => {
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, ReadonlyArray<string | RegExp>]> = [
    ["an impossible date", ["--filter", "creation_time>2024-02-30"], [
      "--filter \"creation_time>2024-02-30\": \"2024-02-30\" is not a date: day 30 does not exist in 2024-02.",
      "Accepted --filter syntax"
    ]],
    ["an unknown filter field", ["--filter", "name=Shrub"], [
      "\"name\" cannot be filtered on; the filterable fields are creation_time and ownership_type"
    ]],
    ["a reversed range", ["--filter", "creation_time=2024-06-30..2024-01-01"], ["the range starts (2024-06-30) after"]],
    ["an unknown field", ["--fields", "name,colour"], [
      "--fields names an unknown field: colour.",
      /Choose from id, name, currency, .*creation_time/
    ]],
    ["a page size out of range", ["--limit", "500"], ["Invalid --limit: limit must be a whole number from 1 to 100"]],
    ["a non-number", ["--max", "lots"], ["--max takes a whole number; got \"lots\"."]],
    ["an unknown sort", ["--sort", "newest"], ["--sort takes one of asc, desc"]],
    ["an unknown format", ["--format", "xml"], ["--format takes one of table, jsonl, json, csv"]]
  ]
  for (const [name, args, messages] of cases) {
    it(name, async () => {
      emu.resetRequests()
      const result = await accounts([big, ...args])
      expect(result.code).toBe(2)
      expect(result.stdout).toBe("")
      for (const message of messages) {
        if (typeof message === "string") expect(result.stderr).toContain(message)
        else expect(result.stderr).toMatch(message)
      }
      expect(emu.requests()).toHaveLength(0)
    })
  }

  it("a token without a business id", async () => {
    const result = await accounts([])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Name the business whose accounts to list: waba accounts <business-id>.")
  })

  it("a business id that is not a number", async () => {
    emu.resetRequests()
    const result = await accounts(["acme"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Invalid business id: businessId must be a numeric Graph business id")
    expect(emu.requests()).toHaveLength(0)
  })
})

describe("Graph errors, rendered for a person", () => {
  it("an expired token: what happened, code, fbtrace id, how to get a new token; exit 3", async () => {
    const result = await accounts([big], { GRAPH_ACCESS_TOKEN: expiredToken })
    expect(result.code).toBe(3)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain("waba: error: The access token has expired.")
    expect(result.stderr).toMatch(/Graph error 190, subcode 463, OAuthException, HTTP \d+; fbtrace_id \S+/)
    expect(result.stderr).toContain("System users")
    expect(result.stderr).toContain("Generate new token")
  })

  it("a missing permission names the permissions to grant; exit 3", async () => {
    const result = await accounts([small], { GRAPH_ACCESS_TOKEN: limitedToken })
    expect(result.code).toBe(3)
    expect(result.stderr).toContain("whatsapp_business_management and business_management")
  })

  it("a wrong app secret is refused with advice about GRAPH_APP_SECRET; the right one signs every page", async () => {
    const wrong = await accounts([small, "--app-secret", "not-the-app-secret"])
    expect(wrong.code).toBe(3)
    expect(wrong.stderr).toContain("GRAPH_APP_SECRET")
    expect(wrong.stderr).not.toContain("not-the-app-secret")

    emu.resetRequests()
    const right = await accounts([big, "--format", "jsonl", "--limit", "100"], { GRAPH_APP_SECRET: appSecret })
    expect(right.code).toBe(0)
    expect(jsonLines(right.stdout)).toHaveLength(137)
    expect(emu.requests().map((r) => typeof r.query.appsecret_proof)).toEqual(["string", "string"])
  })

  it("an unknown business is a usage error naming it", async () => {
    const result = await accounts(["999999"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Business 999999 does not exist, or this token cannot see it.")
  })

  it("an unreachable server points at the network and the base URL; exit 1", async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = Net.createServer().listen(0, "127.0.0.1", () => {
        const port = (server.address() as Net.AddressInfo).port
        server.close(() => resolve(port))
      })
    })
    const url = `http://127.0.0.1:${closed}`
    const result = await accounts([big, "--max-retries", "0"], { GRAPH_BASE_URL: url })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Could not reach ${url}.`)
    expect(result.stderr).toContain("Check your network connection")
  })

  it("rate limited beyond the wait worth taking: the wait, where to resume, the docs; exit 4", async () => {
    const limited = await startEmulator({ seed: 7, businesses: [40], token, rateLimit: { businessCalls: 1 } })
    try {
      const [id] = limited.businessIds as [string]
      const first = await runCli(["accounts", id, "--format", "jsonl", "--limit", "5"], {
        GRAPH_BASE_URL: limited.url,
        GRAPH_ACCESS_TOKEN: token
      })
      expect(first.code).toBe(4)
      // The page that arrived is on stdout; the advice is on stderr.
      expect(jsonLines(first.stdout).map((a) => a.id)).toEqual(limited.accounts(id).slice(0, 5).map((a) => a.id))
      expect(first.stderr).toContain("code 80008")
      expect(first.stderr).toMatch(/Meta asks to wait about \d+[hm]/)
      expect(first.stderr).toContain("developers.facebook.com/docs/graph-api/overview/rate-limiting")
      const cursor = /--after (\S+)/.exec(first.stderr)?.[1]
      expect(cursor).toBeDefined()

      // After the window, the advice works: the next accounts, nothing lost or repeated.
      limited.advanceClock("2 hours")
      const next = await runCli(
        ["accounts", id, "--format", "jsonl", "--limit", "5", "--max", "5", "--after", cursor!],
        {
          GRAPH_BASE_URL: limited.url,
          GRAPH_ACCESS_TOKEN: token
        }
      )
      expect(next.code).toBe(0)
      expect(jsonLines(next.stdout).map((a) => a.id)).toEqual(limited.accounts(id).slice(5, 10).map((a) => a.id))
    } finally {
      await limited.stop()
    }
  })
})

describe("pipes", () => {
  it("piping jsonl into a reader that stops early ends quietly with exit 0", async () => {
    const many = await startEmulator({ seed: 3, businesses: [20_000], token, rateLimit: false })
    try {
      const child = spawn(process.execPath, [
        bin,
        "accounts",
        many.businessIds[0]!,
        "--format",
        "jsonl",
        "--limit",
        "100"
      ], {
        env: { PATH: process.env.PATH ?? "", GRAPH_BASE_URL: many.url, GRAPH_ACCESS_TOKEN: token },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stderr = ""
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
      const firstLine = await new Promise<string>((resolve) => {
        let buffered = ""
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          buffered += chunk
          const end = buffered.indexOf("\n")
          if (end >= 0) {
            child.stdout.destroy() // what `| head -1` does
            resolve(buffered.slice(0, end))
          }
        })
      })
      const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)))
      expect(JSON.parse(firstLine).id).toBe(many.accounts(many.businessIds[0]!)[0]!.id)
      expect(code).toBe(0)
      expect(stderr).toBe("")
      // It stopped reading pages once nobody was listening.
      expect(many.requests().length).toBeLessThan(200)
    } finally {
      await many.stop()
    }
  })
})

describe("demo mode", () => {
  it("without a token: one line on stderr saying so, and a demo business's accounts as a table", async () => {
    const result = await runCli(["accounts"])
    expect(result.code).toBe(0)
    const notice = result.stderr.trimEnd().split("\n")
    expect(notice).toHaveLength(1)
    expect(notice[0]).toMatch(
      /^waba: no access token \(GRAPH_ACCESS_TOKEN or --token\), so this is a demo: listing demo business \d+ \("[^"]+", 137 owned accounts\) from an embedded emulator; other demo businesses: \d+, \d+\.$/
    )
    const lines = result.stdout.trimEnd().split("\n")
    expect(lines[0]).toMatch(/^id +name +currency +timezone_id +message_template_namespace$/)
    expect(lines.at(-1)).toBe("137 accounts")
    expect(lines).toHaveLength(2 + 137 + 1)
  })

  it("takes the same options, and checks them before starting", async () => {
    const result = await runCli(["accounts", "--format", "jsonl", "--max", "3", "--fields", "creation_time"])
    expect(result.code).toBe(0)
    expect(jsonLines(result.stdout).map((a) => Object.keys(a))).toEqual([
      ["id", "creation_time"],
      ["id", "creation_time"],
      ["id", "creation_time"]
    ])
    const bad = await runCli(["accounts", "--filter", "creation_time>tomorrow"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).not.toContain("demo")
  })

  it("a base URL without a token is a usage error, not a silent demo", async () => {
    const result = await runCli(["accounts"], { GRAPH_BASE_URL: emu.url })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("was given, but no access token")
  })
})

interface EmulatorInfo {
  url: string
  token: string
  businessIds: Array<string>
  businesses: Array<{ id: string; name: string; accounts: number }>
  seed?: number | string
  command: string
  env: Record<string, string>
}

/** Starts `waba emulator` with these arguments and reads its JSON line. */
const serveEmulator = (args: ReadonlyArray<string>) =>
  new Promise<{ info: EmulatorInfo; stop: () => void }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "emulator", ...args], {
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    child.on("close", () => reject(new Error(`waba emulator exited early: ${stdout}`)))
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const end = stdout.indexOf("\n")
      if (end >= 0) resolve({ info: JSON.parse(stdout.slice(0, end)), stop: () => child.kill("SIGTERM") })
    })
  })

/** The words of a command line as a POSIX shell splits it (single quotes only, which is all it prints). */
const shellWords = (line: string): Array<string> =>
  Array.from(line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g), (m) => m[2] ?? m[1]!.replace(/'\\''/g, "'"))

describe("waba emulator", () => {
  it("prints one JSON line another program can use, serves until SIGTERM, then shuts down", async () => {
    const child = spawn(process.execPath, [bin, "emulator", "--seed", "11", "--businesses", "2", "--accounts", "30"], {
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    const line = await new Promise<string>((resolve, reject) => {
      child.on("close", () => reject(new Error(`waba emulator exited early: ${stdout}`)))
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
        if (stdout.includes("\n")) resolve(stdout.slice(0, stdout.indexOf("\n")))
      })
    })
    const info = JSON.parse(line) as EmulatorInfo
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(info.businessIds).toHaveLength(2)
    expect(info.businesses.map((b) => b.accounts)).toEqual([30, 30])
    expect(info.seed).toBe(11)
    expect(info.command).toBe("waba emulator --seed 11 --businesses 2 --accounts 30")

    const listed = await runCli(["accounts", info.businessIds[1]!, "--format", "jsonl"], {
      GRAPH_BASE_URL: info.url,
      GRAPH_ACCESS_TOKEN: info.token
    })
    expect(listed.code).toBe(0)
    expect(jsonLines(listed.stdout)).toHaveLength(30)

    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    child.kill("SIGTERM")
    expect(await exit).toBe(143)
    expect(stdout.trimEnd().split("\n")).toHaveLength(1)
    // The port is free again.
    const unreachable = await runCli(["accounts", info.businessIds[0]!, "--max-retries", "0"], {
      GRAPH_BASE_URL: info.url,
      GRAPH_ACCESS_TOKEN: info.token
    })
    expect(unreachable.code).toBe(1)
  })

  it("the command it prints serves the same data again", async () => {
    const first = await serveEmulator(["--seed", "tide pool", "--businesses", "3", "--accounts", "12", "--port", "0"])
    try {
      expect(first.info.seed).toBe("tide pool")
      expect(first.info.command).toBe("waba emulator --seed 'tide pool' --businesses 3 --accounts 12")
      const again = await serveEmulator(shellWords(first.info.command).slice(2))
      try {
        expect(again.info.businesses).toEqual(first.info.businesses)
        for (const id of first.info.businessIds) {
          const read = (info: EmulatorInfo) =>
            runCli(["accounts", id, "--format", "jsonl", "--fields", "name,creation_time"], info.env)
          const [a, b] = await Promise.all([read(first.info), read(again.info)])
          expect(a.code).toBe(0)
          expect(jsonLines(b.stdout)).toEqual(jsonLines(a.stdout))
        }
      } finally {
        again.stop()
      }
    } finally {
      first.stop()
    }
    const other = await serveEmulator(["--seed", "12", "--businesses", "3", "--accounts", "12"])
    other.stop()
    expect(other.info.businessIds).not.toEqual(first.info.businessIds)
  })

  it("refuses impossible options", async () => {
    const result = await runCli(["emulator", "--fault-rate", "2"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("--fault-rate must be from 0 to 1; got 2.")
  })
})

describe("help", () => {
  it("piped, help has no terminal escapes and says what each option takes", async () => {
    for (const env of [{}, { NO_COLOR: "1" }]) {
      const root = await runCli(["--help"], env)
      expect(root.code).toBe(0)
      expect(root.stdout).not.toContain("\x1b")
      expect(root.stdout).toContain("accounts")
      const accounts = await runCli(["accounts", "--help"], env)
      expect(accounts.code).toBe(0)
      expect(accounts.stdout).not.toContain("\x1b")
      expect(accounts.stdout).toContain("--limit integer")
      expect(accounts.stdout).toContain("--format table | jsonl | json | csv")
      expect(accounts.stdout).toContain("--proxy URL")
    }
  })

  it("an empty variable counts as unset: an empty GRAPH_BASE_URL and GRAPH_ACCESS_TOKEN give the demo", async () => {
    const result = await runCli(["accounts", "--max", "2", "--format", "jsonl"], {
      GRAPH_BASE_URL: "",
      GRAPH_ACCESS_TOKEN: " "
    })
    expect(result.code).toBe(0)
    expect(result.stderr).toContain("so this is a demo")
    expect(jsonLines(result.stdout)).toHaveLength(2)
  })
})

describe("secrets", () => {
  it("a token given with --token never appears in the output, even when Graph rejects it", async () => {
    const unknown = "EAA-cli-test-unknown-token-0d9a"
    const result = await runCli(["accounts", big, "--token", unknown], { GRAPH_BASE_URL: emu.url })
    expect(result.code).toBe(3)
    expect(result.stdout + result.stderr).not.toContain(unknown)
  })

  it("no token or app secret appeared in anything any run printed", () => {
    expect(transcript.length).toBeGreaterThan(20)
    for (const text of transcript) {
      for (const secret of secrets) expect(text).not.toContain(secret)
    }
  })
})
