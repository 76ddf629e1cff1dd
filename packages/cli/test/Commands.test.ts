/**
 * `Commands.main` in-process, with stdout and stderr captured as if both were a terminal (or not): what a
 * person sees while accounts stream, help with and without colour, log levels.
 */
import { startEmulator } from "@effect-waba/emulator/PromiseApi"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Commands from "../src/Commands.js"
import * as Progress from "../src/Progress.js"
import { memoryOutput } from "./utils/output.js"

const token = "EAA-commands-test-token-3e7d"

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
      const block = (option: string) => {
        const start = plain.stdout.indexOf(`\n${option}`)
        return plain.stdout.slice(start, plain.stdout.indexOf("\n--", start + 1))
      }
      expect(block("--limit integer")).toContain("An integer.")
      expect(block("--format table | jsonl | json | csv")).toContain("One of the following: table, jsonl, json, csv")
      expect(block("--sort")).toContain("One of the following: asc, desc")
      for (const option of ["--limit", "--max", "--prefetch", "--max-retries", "--format", "--sort"]) {
        expect(block(option)).not.toContain("user-defined piece of text")
      }
      expect(block("--token")).toContain("This option can be set from environment variables.")
      expect(block("--base-url URL")).toContain("GRAPH_BASE_URL")
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
