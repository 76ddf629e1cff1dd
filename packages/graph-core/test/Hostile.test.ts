// Hostile or broken servers, through the public API: every body ends in the right data or a typed error,
// with a short message, never a defect, a hang or an unbounded read. Deep nesting, huge values and messages,
// JSON of any other shape and a gzip bomb are behaviour scenarios both lines run (`hostile` in
// checks/behaviour/scenarios.ts); here, what only an in-process stream shows: where reading stopped.
import { Testing } from "@effect-waba/emulator"
import type { GraphConfig } from "@effect-waba/graph-core"
import { GraphClient } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"

const Page = Schema.Struct({
  data: Schema.Array(Schema.Struct({ id: Schema.String, name: Schema.optional(Schema.String) }))
})

const owned = GraphClient.get({
  route: "/{business-id}/owned_whatsapp_business_accounts",
  params: { "business-id": "1234567890" },
  schema: Page
})

/** Runs one read against a server that always gives `reply`, with retries on; returns the exit and the count sent. */
const against = (reply: Testing.Reply, options: Partial<GraphConfig.Options> = {}) => {
  const { layer, seen } = Testing.scriptedClient(() => reply, options)
  return Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(owned.pipe(Effect.provide(layer))))
    yield* TestClock.adjust("1 hour")
    const exit = yield* Fiber.join(fiber)
    return { exit, sent: seen.length }
  })
}

const failure = (exit: Exit.Exit<unknown, unknown>) => {
  expect(Exit.isFailure(exit)).toBe(true)
  // A typed failure, not a defect or an interruption.
  const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
  expect(error).toBeDefined()
  return error as { readonly _tag: string; readonly message: string }
}

describe("hostile bodies", () => {
  it.effect("a 40 MiB body stops being read at the limit: TooLarge, not retried", () =>
    Effect.gen(function*() {
      const chunk = new Uint8Array(64 * 1024).fill(0x20)
      let pulled = 0
      const { exit, sent } = yield* against({
        stream: () =>
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (pulled++ >= 640) controller.close()
              else controller.enqueue(chunk)
            }
          })
      }, { maxResponseBytes: 1024 * 1024 })
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "GraphTransportError", reason: "TooLarge", retryable: false, attempts: 1 })
      expect(sent).toBe(1)
      // 1 MiB is 16 chunks: reading stopped there, far from the 640 on offer.
      expect(pulled).toBeLessThan(24)
    }))
})
