// Hostile or broken servers, through the public API: every body ends in the right data or a typed error,
// with a short message, never a defect, a hang or an unbounded read.
import { Testing } from "@effect-waba/emulator"
import { GraphClient, GraphConfig, RateGovernor } from "@effect-waba/graph-core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { gzipSync } from "node:zlib"

const Page = Schema.Struct({
  data: Schema.Array(Schema.Struct({ id: Schema.String, name: Schema.optional(Schema.String) }))
})

const owned = GraphClient.get({
  route: "/{business-id}/owned_whatsapp_business_accounts",
  params: { "business-id": "1234567890" },
  schema: Page
})

const nested = (depth: number): string => `${"[".repeat(depth)}${"]".repeat(depth)}`

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
  it.effect("20,000-deep nesting in the data is a short decode error, not retried", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* against({ raw: `{"data":[{"id":"1","name":${nested(20_000)}}]}` })
      const error = failure(exit)
      expect(error._tag).toBe("GraphDecodeError")
      expect(error.message.length).toBeLessThan(400)
      expect(Testing.everyRendering(error).length).toBeLessThan(10_000)
      expect(sent).toBe(1)
    }))

  it.effect("20,000-deep nesting in error_data keeps the error printable", () =>
    Effect.gen(function*() {
      const { exit } = yield* against({
        status: 400,
        raw: `{"error":{"message":"bad","code":100,"error_data":${nested(20_000)}}}`
      })
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "GraphInvalidParameterError", code: 100 })
      expect((error as unknown as { errorData: unknown }).errorData).toEqual(expect.stringContaining("omitted"))
      expect(Testing.everyRendering(error).length).toBeLessThan(10_000)
    }))

  it.effect("a 5 MB value gives a decode error of a few hundred characters; a 5 MB message is cut short", () =>
    Effect.gen(function*() {
      const junk = "\u00e9".repeat(5_000_000)
      for (const body of [{ data: junk }, { data: [{ id: 1, name: junk }] }, { data: [{ id: [junk] }] }]) {
        const decode = failure((yield* against({ body })).exit)
        expect(decode._tag).toBe("GraphDecodeError")
        expect(decode.message.length).toBeLessThan(400)
      }
      const message = failure(
        (yield* against(Testing.graphError({ message: junk, code: 100, error_user_msg: junk }))).exit
      )
      expect(message.message.length).toBeLessThan(2_100)
      expect(Testing.everyRendering(message).length).toBeLessThan(20_000)
    }))

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

  it.effect("JSON of any other shape is a decode or transport error, never a defect", () =>
    Effect.gen(function*() {
      for (
        const raw of ["[]", "null", "42", "\"text\"", "{\"error\":null}", "{\"error\":[1]}", "{\"data\":{}}", "\u0000"]
      ) {
        const error = failure((yield* against({ raw }, { retry: false })).exit)
        expect(["GraphDecodeError", "GraphTransportError", "GraphApiError"]).toContain(error._tag)
      }
    }))

  it.live("a gzip bomb over a real socket (fetch decompresses): TooLarge at the default 16 MiB", () =>
    Effect.gen(function*() {
      // 64 MiB of spaces compress to about 64 KB.
      const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20))
      let served = 0
      const server = createServer((_, res) => {
        served++
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
        res.end(bomb)
      })
      yield* Effect.acquireRelease(
        Effect.async<void>((resume) => {
          server.listen(0, "127.0.0.1", () => resume(Effect.void))
        }),
        () => Effect.sync(() => server.close())
      )
      const port = (server.address() as AddressInfo).port
      const graph = GraphClient.layer.pipe(
        Layer.provide(GraphConfig.layer({ accessToken: Testing.token, baseUrl: `http://127.0.0.1:${port}` })),
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(RateGovernor.disabled)
      )
      const error = yield* Effect.flip(owned.pipe(Effect.provide(graph)))
      expect(error).toMatchObject({ _tag: "GraphTransportError", reason: "TooLarge", retryable: false })
      expect(served).toBe(1)
    }).pipe(Effect.scoped))
})
