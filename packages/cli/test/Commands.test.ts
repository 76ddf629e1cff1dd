/**
 * `Commands.main` in-process, with stdout and stderr captured as if both were a terminal: what a person
 * sees while accounts stream, including a wait before a retry.
 */
import { Commands, Output, Progress } from "@effect-waba/cli"
import { startEmulator } from "@effect-waba/emulator/PromiseApi"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const token = "EAA-commands-test-token-3e7d"

const run = (args: ReadonlyArray<string>, env: ReadonlyMap<string, string>, tty: boolean) => {
  const output = Output.memory({ stdoutIsTTY: tty, stderrIsTTY: tty, columns: 100 })
  const layer = Progress.layer.pipe(Layer.provideMerge(output.layer), Layer.merge(NodeContext.layer))
  return Commands.main(["node", "waba", ...args]).pipe(
    Effect.provide(layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env))),
    Effect.map((code) => ({ code, stdout: output.stdout(), stderr: output.stderr() }))
  )
}

describe("Commands.main on a terminal", () => {
  it.live("shows pages, accounts and the reason for a retry's wait on stderr, and data on stdout", () =>
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
          expect(drawn).toContain("waba: 1 page, 0 accounts so far")
          expect(
            drawn.some((line) => /Graph had a temporary error \(code 2\), retrying in \d+m?s \(attempt 2\)$/.test(line))
          )
            .toBe(true)
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

  it.live("a bare `waba` asks for a command", () =>
    Effect.gen(function*() {
      const result = yield* run([], new Map(), false)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("Name a command.")
    }))
})
