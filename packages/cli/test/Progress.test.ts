import { Output, Progress } from "@effect-waba/cli"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

// What graph-core logs before it retries a request.
const retryLog = (error: string, code: number, waitMs: number, attempt: number) =>
  Effect.logInfo(`Graph request failed with ${error}; retrying`).pipe(
    Effect.annotateLogs({
      "graph.route": "/{business-id}/owned_whatsapp_business_accounts",
      "graph.error": error,
      "graph.error_code": code,
      "graph.retry_in_ms": waitMs,
      "graph.attempt": attempt
    })
  )

const withOutput = (options: { readonly stderrIsTTY: boolean }) => {
  const output = Output.memory(options)
  return { output, layer: Progress.layer.pipe(Layer.provideMerge(output.layer)) }
}

describe("Progress.render", () => {
  it("counts pages and accounts, and says why and how long a retry waits", () => {
    expect(Progress.render({ pages: 1, accounts: 25, retry: undefined })).toBe("waba: 1 page, 25 accounts so far")
    expect(
      Progress.render({
        pages: 3,
        accounts: 1,
        retry: { error: "GraphRateLimitError", code: 80008, waitMillis: 61_400, attempt: 1 }
      })
    ).toBe("waba: 3 pages, 1 account so far; rate limited (code 80008), retrying in 1m 1s (attempt 2)")
    expect(
      Progress.render({
        pages: 0,
        accounts: 0,
        retry: { error: "GraphTransientError", code: 2, waitMillis: 480.4, attempt: 1 }
      })
    ).toBe("waba: 0 pages, 0 accounts so far; Graph had a temporary error (code 2), retrying in 480ms (attempt 2)")
    expect(Progress.reason({ error: "GraphTransportError", code: -1, waitMillis: 0, attempt: 2 })).toBe(
      "network or server problem"
    )
  })
})

describe("Progress on a terminal", () => {
  it.effect("shows pages, accounts and throttling waits learned from graph-core's retry log", () => {
    const { layer, output } = withOutput({ stderrIsTTY: true })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      yield* progress.page(1)
      yield* progress.delivered(25)
      yield* retryLog("GraphRateLimitError", 80008, 12_000, 1)
      yield* progress.page(2)
      yield* progress.finish
      const drawn = output.stderr().split("\r\x1b[2K").filter((line) => line !== "")
      expect(drawn).toEqual([
        "waba: 1 page, 0 accounts so far",
        "waba: 1 page, 25 accounts so far",
        "waba: 1 page, 25 accounts so far; rate limited (code 80008), retrying in 12s (attempt 2)",
        "waba: 2 pages, 25 accounts so far"
      ])
      // Finishing clears the line.
      expect(output.stderr().endsWith("\r\x1b[2K")).toBe(true)
      expect(output.stdout()).toBe("")
    }).pipe(Effect.provide(layer))
  })

  it.effect("moves out of the way of data written to the same terminal", () => {
    const { layer, output } = withOutput({ stderrIsTTY: true })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      const out = yield* Output.Output
      yield* progress.page(1)
      yield* progress.around(out.stdout.write("row\n"))
      expect(output.stderr()).toBe(
        "\r\x1b[2Kwaba: 1 page, 0 accounts so far\r\x1b[2K\r\x1b[2Kwaba: 1 page, 0 accounts so far"
      )
      expect(output.stdout()).toBe("row\n")
    }).pipe(Effect.provide(layer))
  })
})

describe("Progress elsewhere", () => {
  it.effect("is silent when stderr is not a terminal, and info logs never reach stdout", () => {
    const { layer, output } = withOutput({ stderrIsTTY: false })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      yield* progress.page(1)
      yield* progress.delivered(25)
      yield* retryLog("GraphTransientError", 2, 500, 1)
      yield* Effect.logInfo("chatter")
      yield* progress.finish
      expect(progress.enabled).toBe(false)
      expect(output.stderr()).toBe("")
      expect(output.stdout()).toBe("")
    }).pipe(Effect.provide(layer))
  })

  it.effect("warnings and errors still reach stderr as plain lines", () => {
    const { layer, output } = withOutput({ stderrIsTTY: false })
    return Effect.gen(function*() {
      yield* Effect.logWarning("disk almost full")
      expect(output.stderr()).toBe("waba: warn: disk almost full\n")
    }).pipe(Effect.provide(layer))
  })
})
