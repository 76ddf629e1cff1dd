/**
 * `Commands.main` in-process, with stdout and stderr captured as if both were a terminal (or not): what a
 * person sees while accounts stream, help with and without colour, log levels; and the help itself: what
 * `--help` shows of each command, rendered from its declarations.
 */
import { startEmulator } from "@effect-waba/emulator/PromiseApi"
import { defaultApiVersion } from "@effect-waba/graph-core/GraphConfig"
import * as Options from "@effect/cli/Options"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as CommandLine from "../src/CommandLine.js"
import * as Commands from "../src/Commands.js"
import * as Progress from "../src/Progress.js"
import { memoryOutput } from "./utils/output.js"

const token = "EAA-commands-test-token-3e7d"

/**
 * The entry of `flag` in a help text, its wrapped lines joined and its columns' padding taken out:
 * `--limit integer Accounts per page, …`.
 * Fails the test when help has no such entry.
 */
const entryOf = (help: string) => (flag: string): string => {
  const lines = help.split("\n")
  const start = lines.findIndex((line) => line.startsWith(`  ${flag} `) || line === `  ${flag}`)
  expect(start, `help lists ${flag}`).toBeGreaterThanOrEqual(0)
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((line) => !line.startsWith("    "))
  return [lines[start]!, ...rest.slice(0, end < 0 ? rest.length : end)].join(" ").trim().replace(/\s+/g, " ")
}

const run = (
  args: ReadonlyArray<string>,
  env: ReadonlyMap<string, string>,
  tty: boolean,
  options: { readonly colors?: boolean } = {}
) => {
  const output = memoryOutput({ stdoutIsTTY: tty, stderrIsTTY: tty, columns: 100, colors: options.colors })
  const layer = Progress.layer.pipe(Layer.provideMerge(output.layer), Layer.merge(NodeContext.layer))
  return Commands.main(["node", "waba", ...args]).pipe(
    Effect.provide(layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env))),
    Effect.map((code) => ({ code, stdout: output.stdout(), stderr: output.stderr() }))
  )
}

describe("Commands.main on a terminal", () => {
  it.live("shows pages and accounts on stderr, and data on stdout", () =>
    Effect.acquireUseRelease(
      Effect.promise(() =>
        startEmulator({
          seed: 5,
          businesses: [60],
          token,
          // The second request fails once with a transient Graph error; the client retries it.
          faults: [{ kind: "graphError", code: 2, when: { requests: [2] } }]
        })
      ),
      (emu) =>
        Effect.gen(function*() {
          const env = new Map([["GRAPH_ACCESS_TOKEN", token], ["GRAPH_BASE_URL", emu.url]])
          const result = yield* run(["accounts", emu.businessIds[0]!, "--limit", "25", "--fields", "name"], env, true)
          expect(result.code).toBe(0)
          const drawn = result.stderr.split("\r\x1b[2K").filter((line) => line !== "")
          expect(drawn[0]).toBe("waba: 0 pages, 0 accounts so far")
          expect(drawn).toContain("waba: 1 page, 0 accounts so far")
          expect(drawn.at(-1)).toBe("waba: 3 pages, 60 accounts so far")
          // The line is cleared at the end, and never mixed into the data.
          expect(result.stderr.endsWith("\r\x1b[2K")).toBe(true)
          expect(result.stdout).not.toContain("waba:")
          expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("60 accounts")
          expect(emu.requests()).toHaveLength(4)
        }),
      (emu) => Effect.promise(() => emu.stop())
    ))

  it.live("errors on a terminal are coloured, and the progress line is gone before they are written", () =>
    Effect.gen(function*() {
      const result = yield* run(["accounts", "--filter", "colour=blue"], new Map(), true)
      expect(result.code).toBe(2)
      expect(result.stderr.startsWith("waba: \x1b[1;31merror\x1b[0m: --filter \"colour=blue\"")).toBe(true)
    }))

  it.live("--log-level info shows graph-core's log of a retry as a plain line; by default it is not shown", () =>
    Effect.acquireUseRelease(
      Effect.promise(() => startEmulator({ seed: 6, businesses: [30], token })),
      (emu) =>
        Effect.gen(function*() {
          const env = new Map([["GRAPH_ACCESS_TOKEN", token], ["GRAPH_BASE_URL", emu.url]])
          const args = ["accounts", emu.businessIds[0]!, "--format", "jsonl"]
          // The next request fails once with a transient Graph error; the client retries it.
          const failNext = Effect.sync(() => emu.setFaults([{ kind: "graphError", code: 2, when: { next: 1 } }]))
          yield* failNext
          const quiet = yield* run(args, env, false)
          expect(quiet.code).toBe(0)
          expect(quiet.stderr).toBe("")
          yield* failNext
          const told = yield* run([...args, "--log-level", "info"], env, false)
          expect(told.code).toBe(0)
          expect(told.stderr).toMatch(/^waba: info: .*GraphTransientError.*retrying/m)
          expect(told.stdout.trimEnd().split("\n")).toHaveLength(30)
        }),
      (emu) => Effect.promise(() => emu.stop())
    ))

  it.live("help is coloured on a terminal, plain when colour is off, and says what each option takes", () =>
    Effect.gen(function*() {
      const coloured = yield* run(["accounts", "--help"], new Map(), true)
      expect(coloured.code).toBe(0)
      expect(coloured.stdout).toContain("\x1b[")
      const plain = yield* run(["accounts", "--help"], new Map(), true, { colors: false })
      expect(plain.stdout).not.toContain("\x1b")
      const entry = entryOf(plain.stdout)
      // The kind of value each typed option takes, next to its name.
      expect(entry("--limit")).toMatch(/^--limit integer /)
      expect(entry("--format")).toMatch(/^--format table \| jsonl \| json \| csv /)
      expect(entry("--sort")).toMatch(/^--sort asc \| desc /)
      for (const option of ["--limit", "--max", "--prefetch", "--max-retries", "--format", "--sort"]) {
        expect(entry(option)).not.toContain("user-defined piece of text")
      }
      expect(plain.stdout).not.toContain("user-defined piece of text")
      // The variable that stands in for an option, by name.
      expect(entry("--token")).toContain("(env: GRAPH_ACCESS_TOKEN)")
      expect(entry("--base-url")).toContain("GRAPH_BASE_URL")
    }))

  it.live("a bad value is refused naming the option, in @effect/cli's place", () =>
    Effect.gen(function*() {
      const result = yield* run(["accounts", "--limit", "ten"], new Map(), false)
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(
        "waba: error: --limit takes a whole number; got \"ten\".\n  What to do: waba accounts --help lists the options.\n"
      )
      const unknown = yield* run(["nonsense"], new Map(), false)
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toMatch(/^waba: error: .*\n {2}What to do: waba --help lists the options\.\n$/s)
    }))

  it.live("a bare `waba` asks for a command", () =>
    Effect.gen(function*() {
      const result = yield* run([], new Map(), false)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("Name a command.")
    }))
})

describe("help, read like gh's", () => {
  const help = (args: ReadonlyArray<string>) =>
    Effect.map(run(args, new Map(), false), (result) => {
      expect(result.code).toBe(0)
      expect(result.stderr).toBe("")
      return result.stdout
    })
  const pathOf = (command: CommandLine.Declaration) =>
    command.parent === undefined ? [command.name] : [command.parent, command.name]
  const usageOf = (text: string) => text.split("\n")[text.split("\n").indexOf("USAGE") + 1]
  const boilerplate = [
    "--wizard",
    "--completions",
    "user-defined piece of text",
    "This setting is optional",
    "One of the following",
    "A true or false value",
    "$ accounts"
  ]

  it.live("waba --help: the commands, a usage line, examples and the guide online, in a screenful", () =>
    Effect.gen(function*() {
      const text = yield* help(["--help"])
      expect(usageOf(text)).toBe("  waba <command> [flags]")
      for (const [name, summary] of CommandLine.commands.map((c) => [pathOf(c).join(" "), c.summary])) {
        expect(text).toMatch(new RegExp(`^ {2}${name} +${summary}$`, "m"))
      }
      expect(text).toContain("https://github.com/effect-waba/effect-waba/blob/main/docs/cli.md")
      for (const words of boilerplate) expect(text).not.toContain(words)
      expect(text.split("\n").length).toBeLessThanOrEqual(40)
      // An unknown command's help is the program's.
      expect(yield* help(["nonsense", "--help"])).toBe(text)
    }))

  it.live("each command's usage starts with waba; arguments that may be left out are in brackets", () =>
    Effect.gen(function*() {
      const usages = yield* Effect.forEach(
        CommandLine.commands,
        (command) => Effect.map(help([...pathOf(command), "--help"]), usageOf)
      )
      expect(usages).toEqual([
        "  waba accounts [<business-id>...] [flags]",
        "  waba account [<waba-id>] [flags]",
        "  waba phone-numbers [<waba-id>] [flags]",
        "  waba tokens check [flags]",
        "  waba sync [<business-id>...] [flags]",
        "  waba inventory accounts [flags]",
        "  waba inventory phone-numbers [flags]",
        "  waba changes [flags]",
        "  waba webhooks serve [flags]",
        "  waba emulator [flags]"
      ])
    }))

  it.live("a group alone lists its commands", () =>
    Effect.gen(function*() {
      for (const [group, names] of [["inventory", ["accounts", "phone-numbers"]], ["webhooks", ["serve"]]] as const) {
        const text = yield* help([group])
        expect(usageOf(text)).toBe(`  waba ${group} <command> [flags]`)
        for (const name of names) expect(text).toMatch(new RegExp(`^ {2}${name} +[A-Z]`, "m"))
      }
    }))

  it.live("a bad value of a command in a group is refused naming that command, not a namesake", () =>
    Effect.gen(function*() {
      const result = yield* run(["inventory", "accounts", "--format", "xml"], new Map(), false)
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(
        "waba: error: --format takes one of table, jsonl, json, csv; got \"xml\".\n" +
          "  What to do: waba inventory accounts --help lists the options.\n"
      )
    }))

  it.live("--filter reads as optional and repeatable, not as a required option", () =>
    Effect.gen(function*() {
      const text = yield* help(["accounts", "--help"])
      expect(usageOf(text)).not.toContain("--filter")
      const filter = entryOf(text)("--filter")
      expect(filter).toMatch(/^--filter CONDITION Keep the accounts that match, /)
      expect(filter).toContain("repeat it: every one must hold")
      expect(text).not.toMatch(/required/i)
    }))

  it.live("defaults and the variables that stand in are shown with each option", () =>
    Effect.gen(function*() {
      const accounts = entryOf(yield* help(["accounts", "--help"]))
      expect(accounts("--edge")).toMatch(/^--edge owned \| client \| all .*\(default: owned\)$/)
      expect(accounts("--format")).toMatch(/\(default: table\)$/)
      expect(accounts("--max-retries")).toMatch(/\(default: 4\)$/)
      expect(accounts("--concurrency")).toMatch(/\(default: 8\)$/)
      expect(accounts("--api-version")).toMatch(
        new RegExp(`\\(env: GRAPH_API_VERSION; default: ${defaultApiVersion.replace(".", "\\.")}\\)$`)
      )
      expect(accounts("--proxy")).toMatch(/\(env: HTTPS_PROXY, HTTP_PROXY\)$/)
      expect(accounts("--log-level")).toMatch(/\(default: warning\)$/)
      const emulator = entryOf(yield* help(["emulator", "--help"]))
      expect(emulator("--fault-kind")).toMatch(
        /^--fault-kind KIND How they fail: graph-error .*\(default: graph-error\)$/
      )
      expect(emulator("--port")).toMatch(/\(default: 0\)$/)
      expect(entryOf(yield* help(["tokens", "check", "--help"]))("--expiring-within")).toMatch(/\(default: 7\)$/)
    }))

  it.live("every command's help lists each option it takes, and no other, without @effect/cli's built-ins", () =>
    Effect.gen(function*() {
      for (const command of CommandLine.commands) {
        const text = yield* help([...pathOf(command), "--help"])
        const taken = Object.values(command.options).flatMap((option) =>
          Options.isOptions(option) ? Option.toArray(Options.getIdentifier(option)) : []
        )
        const listed = text.split("\n").flatMap((line) => /^ {2}(--[a-z-]+)/.exec(line)?.[1] ?? [])
        expect(listed.sort(), command.name).toEqual([...taken, "--help", "--log-level"].sort())
        for (const words of boilerplate) expect(text, command.name).not.toContain(words)
        expect(text.split("\n").length, command.name).toBeLessThanOrEqual(90)
        expect(text).toContain("https://github.com/effect-waba/effect-waba/blob/main/docs/cli.md")
      }
    }))

  it.live("waba tokens alone lists its command", () =>
    Effect.gen(function*() {
      const text = yield* help(["tokens"])
      expect(usageOf(text)).toBe("  waba tokens <command> [flags]")
      expect(text).toMatch(/^ {2}check +Check each token of a tokens file$/m)
    }))

  it.live("a completion script is still there when asked for, though help does not list it", () =>
    Effect.gen(function*() {
      const result = yield* run(["--completions", "bash"], new Map(), false)
      expect(result.code).toBe(0)
      expect(result.stdout).toContain("complete -F")
      expect(result.stdout).toContain("accounts")
    }))
})
