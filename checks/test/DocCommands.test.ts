/**
 * The documentation's shell commands, run as written: every `sh` fence of README.md, docs/*.md and the
 * packages' READMEs that runs `waba` is run here (or is marked `no-run`: it installs something, or needs
 * Meta), against `waba emulator` started the way the page says, after its ready line (never a sleep), or
 * against the demo's embedded emulator where the page says there is no token. Transcripts (`text` fences
 * starting with `$ waba …`) must print what they show. The answers are compared with the emulator's data
 * set, computed here from the same seed.
 */
import * as Dataset from "@effect-waba/emulator/Dataset"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as DocFences from "../src/DocFences.js"
import { background, environment, jsonObjects, requireBuild, sh, wabaOnPath } from "./utils/Shell.js"

const root = DocFences.repositoryRoot
const fences = DocFences.all()
const covered = new Set<string>()
let binDir: string

beforeAll(() => {
  requireBuild()
  binDir = wabaOnPath()
})
afterAll(() => {
  if (binDir !== undefined) Fs.rmSync(binDir, { recursive: true, force: true })
})

/** The fence of `file` whose first line starts with `start`, marked as run by this file. */
const fence = (file: string, start: string): DocFences.Fence => {
  const found = fences.find((candidate) => candidate.file === file && candidate.code.startsWith(start))
  if (found === undefined) throw new Error(`${file} has no fence starting with ${JSON.stringify(start)}`)
  covered.add(DocFences.where(found))
  return found
}
const linesOf = (fence: DocFences.Fence) => fence.code.split("\n")

// Found when the file loads, so that the coverage check below knows them whichever tests run.
const readmeCommands = fence("README.md", "pnpm waba emulator")
const gettingStartedDemo = fence("docs/getting-started.md", "waba: no access token")
const gettingStartedOptions = fence("docs/getting-started.md", "pnpm waba accounts --fields")
const cliScript = fence("docs/cli.md", "mkfifo emu.fifo")
const readmeDemo = fence("README.md", "pnpm waba accounts --edge all")
const cliEdges = fence("docs/cli.md", "waba accounts --edge all")
const cliPhoneNumbers = fence("docs/cli.md", "waba phone-numbers")
const cliAccount = fence("docs/cli.md", "waba account --fields")
const cliInventory = fence("docs/cli.md", "waba sync ")
const cliReadme = fence("packages/cli/README.md", "waba accounts 1234567890")
// `$ waba …` then its output; a line `...` stands for any number of lines.
const transcripts = fences.filter((f) => f.lang === "text" && /^\$ (pnpm )?waba\b/.test(f.code))
transcripts.forEach((transcript) => covered.add(DocFences.where(transcript)))

const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z")
const accountsOf = (options: Dataset.Options, business: number) => {
  const dataset = Dataset.make(options)
  const owner = dataset.businesses[business]!
  return { id: owner.id, accounts: Array.from({ length: owner.accounts }, (_, i) => dataset.account(owner, i)) }
}
const utc = (date: string) => Date.parse(`${date}Z`) / 1000

// The demo's first business, and its first account: the one the demo reads phone numbers of.
const demoData = () => {
  const dataset = Dataset.make({})
  const business = dataset.businesses[0]!
  const phones = (index: number) =>
    Array.from({ length: dataset.phoneCount(business, index) }, (_, j) => dataset.phoneNumber(business, index, j))
  return { dataset, business, account: dataset.account(business, 0), phones }
}

/** The rows of `waba accounts --edge all --expand phone_numbers --max 5` on the demo, checked. */
const expectDemoEdges = (stdout: string) => {
  const { business, dataset } = demoData()
  const { columns, count, rows } = table(stdout)
  expect(columns).toEqual([
    "id",
    "name",
    "currency",
    "timezone_id",
    "message_template_namespace",
    "phone_numbers",
    "first_seen_on"
  ])
  // Owned accounts come first, in Graph's order; each shows how many numbers it has and where it was found.
  expect(rows.map((row) => [row[0], row[5], row[6]])).toEqual(
    [0, 1, 2, 3, 4].map((i) => [
      dataset.accountId(business, i),
      String(dataset.phoneCount(business, i)),
      `${business.id} owned`
    ])
  )
  expect(rows[0]![5]).toBe("150")
  expect(count).toBe("5 accounts")
}

/** The rows of a `waba phone-numbers --fields display_phone_number,quality_rating,messaging_limit_tier`. */
const expectDemoPhones = (stdout: string, keep: (phone: Dataset.PhoneNumber) => boolean) => {
  const { phones } = demoData()
  const expected = phones(0).filter(keep).slice(0, 5)
  expect(expected).toHaveLength(5)
  const { columns, count, rows } = table(stdout)
  expect(columns).toEqual(["id", "display_phone_number", "quality_rating", "messaging_limit_tier"])
  expect(rows).toEqual(
    expected.map((p) => [p.id, p.display_phone_number, p.quality_rating, p.messaging_limit_tier])
  )
  expect(count).toBe("5 phone numbers")
}

/** The rows of a `--format table` output (after any lines pnpm printed first), and its closing count. */
const table = (stdout: string) => {
  const lines = stdout.split("\n").filter((line) => line !== "")
  const header = lines.findIndex((line) => line.startsWith("id "))
  expect(header, `no table header in:\n${stdout}`).toBeGreaterThanOrEqual(0)
  const rows = lines.slice(header + 2, -1).map((line) => line.split(/ {2,}/))
  return { columns: lines[header]!.trim().split(/ {2,}/), rows, count: lines.at(-1)! }
}

describe("README.md", () => {
  it("the command-line examples, against the emulator they start", async () => {
    const commands = linesOf(readmeCommands)
    expect(commands).toEqual([
      "pnpm waba emulator --seed 7 --fault-rate 0.1     # a local Graph for your own tests; prints its url and token",
      "pnpm waba accounts 1234567890 --fields name,creation_time --filter 'creation_time>=2024-01-01' --format jsonl",
      "pnpm waba accounts 1234567890 --filter 'creation_time=2024-01-01..2024-06-30' --filter 'ownership_type=SELF' --max 50"
    ])
    const emulator = await background(commands[0]!, { cwd: root, env: environment(binDir) })
    try {
      // Its first business is the one the README lists (the printed `seed` is left to the CLI's guide).
      expect(emulator.ready.businessIds).toEqual(["1234567890", expect.any(String), expect.any(String)])
      const env = environment(binDir, {
        GRAPH_BASE_URL: emulator.ready.url as string,
        GRAPH_ACCESS_TOKEN: emulator.ready.token as string
      })
      const { accounts } = accountsOf({ seed: 7 }, 0)

      const since2024 = await sh(commands[1]!, { cwd: root, env })
      expect(since2024.code, since2024.stderr).toBe(0)
      const expected = accounts.filter((a) => a.creation_time >= utc("2024-01-01T00:00:00"))
      expect(expected.length).toBeGreaterThan(0)
      expect(jsonObjects(since2024.stdout)).toEqual(
        expected.map((a) => ({ id: a.id, name: a.name, creation_time: isoOf(a.creation_time) }))
      )

      const firstHalfSelf = await sh(commands[2]!, { cwd: root, env })
      expect(firstHalfSelf.code, firstHalfSelf.stderr).toBe(0)
      const selected = accounts.filter((a) =>
        a.creation_time >= utc("2024-01-01T00:00:00") && a.creation_time <= utc("2024-06-30T23:59:59") &&
        a.ownership_type === "SELF"
      ).slice(0, 50)
      expect(selected.length).toBeGreaterThan(0)
      const { count, rows } = table(firstHalfSelf.stdout)
      expect(rows.map((row) => row[0])).toEqual(selected.map((a) => a.id))
      expect(count).toBe(`${selected.length} accounts`)
    } finally {
      await emulator.stop()
    }
  })
})

describe("README.md, without a token", () => {
  it("both edges of the demo business with phone numbers, and one account's numbers", async () => {
    const commands = linesOf(readmeDemo)
    expect(commands).toEqual([
      "pnpm waba accounts --edge all --expand phone_numbers --max 5",
      "pnpm waba phone-numbers --fields display_phone_number,quality_rating,messaging_limit_tier --filter quality_rating=GREEN --max 5"
    ])
    const env = environment(binDir)
    const edges = await sh(commands[0]!, { cwd: root, env })
    expect(edges.code, edges.stderr).toBe(0)
    expectDemoEdges(edges.stdout)
    const phones = await sh(commands[1]!, { cwd: root, env })
    expect(phones.code, phones.stderr).toBe(0)
    expectDemoPhones(phones.stdout, (p) => p.quality_rating === "GREEN")
  })
})

describe("docs/getting-started.md", () => {
  const demo = accountsOf({}, 0)

  it("the demo prints what the page shows", async () => {
    const shown = linesOf(gettingStartedDemo)
    const result = await sh("pnpm -s waba accounts", { cwd: root, env: environment(binDir) })
    expect(result.code, result.stderr).toBe(0)
    const [notice, header, rule, firstRow] = shown
    expect(result.stderr.trimEnd()).toBe(notice)
    const stdout = result.stdout.trimEnd().split("\n")
    expect(stdout.slice(0, 3)).toEqual([header, rule, firstRow])
    expect(shown.at(-2)).toBe("...")
    expect(stdout.at(-1)).toBe(shown.at(-1))
    expect(stdout.at(-1)).toBe(`${demo.accounts.length} accounts`)
  })

  it("the options to try on the demo", async () => {
    const commands = linesOf(gettingStartedOptions)
    expect(commands).toEqual([
      "pnpm waba accounts --fields name,creation_time,ownership_type --filter 'creation_time>=2024-01-01'",
      "pnpm waba accounts 101000094277083 --format jsonl",
      "pnpm waba accounts --help"
    ])
    const env = environment(binDir)

    const filtered = await sh(commands[0]!, { cwd: root, env })
    expect(filtered.code, filtered.stderr).toBe(0)
    const expected = demo.accounts.filter((a) => a.creation_time >= utc("2024-01-01T00:00:00"))
    const { columns, count, rows } = table(filtered.stdout)
    expect(columns).toEqual(["id", "name", "creation_time", "ownership_type"])
    expect(rows.map((row) => row[0])).toEqual(expected.map((a) => a.id))
    expect(count).toBe(`${expected.length} accounts`)

    const second = accountsOf({}, 1)
    expect(second.id).toBe("101000094277083")
    const jsonl = await sh(commands[1]!, { cwd: root, env })
    expect(jsonl.code, jsonl.stderr).toBe(0)
    expect(jsonObjects(jsonl.stdout).map((a) => a.id)).toEqual(second.accounts.map((a) => a.id))

    const help = await sh(commands[2]!, { cwd: root, env })
    expect(help.code, help.stderr).toBe(0)
    expect(help.stdout).toContain("--fields")
    expect(help.stdout).toContain("--format")
  })
})

describe("docs/cli.md", () => {
  it("the script that starts an emulator, waits for its line and lists through it", async () => {
    const script = cliScript
    expect(script.code).not.toMatch(/\bsleep\b/)
    const cwd = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-waba-docs-cli-"))
    try {
      const result = await sh(script.code, { cwd, env: environment(binDir) })
      expect(result.code, result.stderr).toBe(0)
      const { accounts, id } = accountsOf({ seed: 7 }, 0)
      expect(id).toBe("1234567890")
      expect(jsonObjects(result.stdout).map((a) => a.id)).toEqual(accounts.map((a) => a.id))
      expect(Fs.readdirSync(cwd)).toEqual([])
    } finally {
      Fs.rmSync(cwd, { recursive: true, force: true })
    }
  })
})

describe("docs/cli.md, the other reads on the demo", () => {
  it("both edges with phone numbers", async () => {
    expect(linesOf(cliEdges)).toEqual(["waba accounts --edge all --expand phone_numbers --max 5"])
    const result = await sh(cliEdges.code, { cwd: root, env: environment(binDir) })
    expect(result.code, result.stderr).toBe(0)
    expectDemoEdges(result.stdout)
  })

  it("an account's phone numbers", async () => {
    expect(linesOf(cliPhoneNumbers)).toEqual([
      "waba phone-numbers --fields display_phone_number,quality_rating,messaging_limit_tier --max 5"
    ])
    const result = await sh(cliPhoneNumbers.code, { cwd: root, env: environment(binDir) })
    expect(result.code, result.stderr).toBe(0)
    expectDemoPhones(result.stdout, () => true)
  })

  it("one account with every phone number", async () => {
    expect(linesOf(cliAccount)).toEqual(["waba account --fields name,status --expand phone_numbers --format json"])
    const result = await sh(cliAccount.code, { cwd: root, env: environment(binDir) })
    expect(result.code, result.stderr).toBe(0)
    const { account, phones } = demoData()
    const read = JSON.parse(result.stdout) as Array<Record<string, unknown>>
    expect(read).toHaveLength(1)
    expect(read[0]).toMatchObject({ id: account.id, name: account.name, status: account.status })
    const numbers = read[0]!.phone_numbers as Array<Record<string, unknown>>
    expect(numbers.map((p) => p.id)).toEqual(phones(0).map((p) => p.id))
    expect(numbers).toHaveLength(150)
  })
})

describe("docs/cli.md, the inventory on the demo", () => {
  it("a sync into ./waba.db, the red numbers read back offline, and a second sync that records nothing", async () => {
    expect(linesOf(cliInventory).map((line) => line.replace(/ +#.*$/, ""))).toEqual([
      "waba sync",
      "waba inventory phone-numbers --filter quality_rating=RED",
      "waba sync --format jsonl"
    ])
    const cwd = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-waba-docs-inventory-"))
    try {
      const result = await sh(cliInventory.code, { cwd, env: environment(binDir) })
      expect(result.code, result.stderr).toBe(0)
      expect(Fs.readdirSync(cwd)).toContain("waba.db")
      const lines = result.stdout.trimEnd().split("\n")
      expect(lines[0]).toMatch(/^run_id +status +businesses +businesses_done +businesses_failed +changes$/)
      expect(lines[2]).toMatch(/^1 +completed +3 +3 +0 +[1-9]\d*$/)
      expect(lines[3]).toBe("1 sync run")
      // Every red number of the demo's accounts, owned or shared, once.
      const dataset = Dataset.make({})
      const red = dataset.businesses.flatMap((business) =>
        Array.from(
          { length: business.accounts },
          (_, i) =>
            Array.from({ length: dataset.phoneCount(business, i) }, (_, j) => dataset.phoneNumber(business, i, j))
        )
          .flat()
      ).filter((phone) => phone.quality_rating === "RED")
      expect(red.length).toBeGreaterThan(0)
      const numbers = table(lines.slice(4, -1).join("\n"))
      expect(numbers.rows.map((row) => row[0]).sort()).toEqual(red.map((phone) => phone.id).sort())
      expect(numbers.rows.every((row) => row[4] === "RED")).toBe(true)
      expect(numbers.count).toBe(`${red.length} phone numbers`)
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ run_id: 2, status: "completed", changes: 0 })
    } finally {
      Fs.rmSync(cwd, { recursive: true, force: true })
    }
  })
})

describe("packages/cli/README.md", () => {
  it("the demo commands", async () => {
    const commands = linesOf(cliReadme)
    expect(commands).toEqual(["waba accounts 1234567890 --max 5 --format jsonl", "waba accounts --help"])
    const env = environment(binDir)
    const five = await sh(commands[0]!, { cwd: root, env })
    expect(five.code, five.stderr).toBe(0)
    expect(five.stderr).toMatch(/^waba: no access token .* demo business 1234567890 /)
    expect(jsonObjects(five.stdout).map((a) => a.id)).toEqual(accountsOf({}, 0).accounts.slice(0, 5).map((a) => a.id))
    const help = await sh(commands[1]!, { cwd: root, env })
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("--filter")
  })
})

describe("transcripts", () => {
  it("each prints what it shows", async () => {
    expect(transcripts.length).toBeGreaterThan(0)
    for (const transcript of transcripts) {
      const [prompt, ...shown] = linesOf(transcript)
      const result = await sh(prompt!.slice(2), { cwd: root, env: environment(binDir) })
      const printed = (result.stdout + result.stderr).trimEnd().split("\n")
      const cut = shown.findIndex((line) => line.trim() === "...")
      const known = cut < 0 ? shown : shown.slice(0, cut)
      expect(printed.slice(0, known.length), DocFences.where(transcript)).toEqual(known)
      if (cut < 0) expect(printed, DocFences.where(transcript)).toHaveLength(shown.length)
    }
  })
})

describe("coverage", () => {
  const runsWaba = /(^|[\s;&|(`$])(waba|pnpm (-s )?waba|pnpm start|node \S*packages\/cli\/dist\/bin\.js)\b/m

  it("every shell fence that runs waba is run above, or marked no-run or install", () => {
    const unrun = fences.filter((f) =>
      (f.lang === "sh" || f.lang === "bash") && !f.flags.includes("no-run") && !f.flags.includes("install") &&
      runsWaba.test(f.code) && !covered.has(DocFences.where(f))
    )
    expect(
      unrun.map((f) => `${DocFences.where(f)}: not run by checks/test/DocCommands.test.ts (add it, or mark it no-run)`)
    ).toEqual([])
  })
})
