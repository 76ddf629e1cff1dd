// The client's request path step by step, through the public API: the request as it leaves, the body as it
// is read, the answer as it is decoded, the attempts as they are retried.
import { Testing } from "@effect-waba/emulator"
import { GraphClient, GraphConfig, GraphEvents, GraphSchema, RateGovernor } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"

const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })

const read = <A, I>(schema: Schema.Schema<A, I>) =>
  GraphClient.get({ route: "/{business-id}/edge", params: { "business-id": "1" }, schema })

/** Answers `replies` in order, then the last one forever. */
const script = (...replies: ReadonlyArray<Testing.Reply>) => (_: unknown, i: number) =>
  replies[Math.min(i, replies.length - 1)]!

describe("GraphClient steps", () => {
  it.effect("a timed appsecret_proof is signed for each attempt at its own time", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]), {
      appSecret: Testing.appSecret,
      appSecretProof: "timed"
    })
    return Effect.gen(function*() {
      yield* TestClock.setTime(1_750_000_000_000)
      yield* read(Page)
      yield* TestClock.adjust("10 minutes")
      yield* read(Page)
      const times = [1_750_000_000, 1_750_000_600]
      expect(seen.map((request) => [...request.url.searchParams])).toEqual(times.map((time) => [
        ["appsecret_proof", createHmac("sha256", Testing.appSecret).update(`${Testing.token}|${time}`).digest("hex")],
        ["appsecret_time", String(time)]
      ]))
    }).pipe(Effect.provide(layer))
  })

  it.effect("the configured User-Agent and Accept: application/json go with every request", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]), { userAgent: "my-sync/2.1.0" })
    return Effect.gen(function*() {
      yield* read(Page)
      expect(seen[0]!.headers.accept).toBe("application/json")
      expect(seen[0]!.headers["user-agent"]).toBe("my-sync/2.1.0")
    }).pipe(Effect.provide(layer))
  })

  it.effect("any request, however wrong, is an InvalidRequestError and never a throw; nothing is sent", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]))
    const Empty = Schema.Struct({})
    const bad: ReadonlyArray<unknown> = [
      null,
      "GET /me",
      { route: "/{id}", schema: "not a schema", params: { id: "1" } },
      { route: 42, schema: Empty },
      { route: "/{id}", schema: Empty, params: { id: 7 } },
      { route: "/{id}", schema: Empty, params: "1" },
      { route: "/{id}", schema: Empty, params: Object.create(null) },
      { route: "/x", schema: Empty, query: { limit: { n: 1 } } },
      { route: "/x", schema: Empty, query: { APPSECRET_PROOF: "x" } },
      { route: "/x", schema: Empty, query: { limit: Number.NaN } }
    ]
    return Effect.gen(function*() {
      for (const input of bad) {
        const error = yield* Effect.flip(GraphClient.get(input as GraphClient.GraphRequest<unknown, unknown, never>))
        expect(error._tag).toBe("InvalidRequestError")
      }
      expect(seen).toHaveLength(0)
      yield* GraphClient.get({ route: "/{id}/edge", params: { id: "12" }, schema: Empty, query: { limit: 5, x: true } })
      expect(seen[0]!.url.pathname).toBe("/v27.0/12/edge")
      expect([...seen[0]!.url.searchParams]).toEqual([["limit", "5"], ["x", "true"]])
      expect(seen[0]!.method).toBe("GET")
      expect(seen[0]!.hasBody).toBe(false)
    }).pipe(Effect.provide(layer))
  })

  describe("reading the body", () => {
    it.effect("a declared content-length over the limit is refused before a byte is read", () => {
      let pulled = 0
      const { layer } = Testing.scriptedClient(() => ({
        stream: () =>
          new ReadableStream<Uint8Array>({
            pull(controller) {
              pulled++
              controller.enqueue(new Uint8Array(100).fill(32))
              controller.close()
            }
          }, { highWaterMark: 0 }),
        headers: { "content-length": "100" }
      }), { maxResponseBytes: 50 })
      return Effect.gen(function*() {
        const error = yield* Effect.flip(read(Page))
        expect(error).toMatchObject({ _tag: "GraphTransportError", reason: "TooLarge", retryable: false })
        expect(error.message).toContain("100 bytes")
        expect(pulled).toBe(0)
      }).pipe(Effect.provide(layer))
    })

    it.effect("counts what the transport hands over after decompression, not the compressed size", () =>
      Effect.gen(function*() {
        const bomb = new Blob([new Uint8Array(1_000_000)]).stream().pipeThrough(new CompressionStream("gzip"))
        const compressed = new Uint8Array(yield* Effect.promise(() => new Response(bomb).arrayBuffer()))
        expect(compressed.byteLength).toBeLessThan(10_000)
        // A transport that decompresses (as fetch does) keeps the compressed length in the headers.
        const { layer } = Testing.scriptedClient(() => ({
          stream: () => new Blob([compressed]).stream().pipeThrough(new DecompressionStream("gzip")),
          headers: { "content-encoding": "gzip", "content-length": String(compressed.byteLength) }
        }), { maxResponseBytes: 100_000 })
        const error = yield* Effect.flip(read(Page).pipe(Effect.provide(layer)))
        expect(error).toMatchObject({ _tag: "GraphTransportError", reason: "TooLarge" })
      }))

    it.effect("reads UTF-8 split across chunks, and an empty error body for what it is", () => {
      const bytes = new TextEncoder().encode("{\"data\":[{\"id\":\"é\"}]}")
      const { layer } = Testing.scriptedClient(
        script(
          {
            stream: () =>
              new ReadableStream<Uint8Array>({
                start(controller) {
                  // "é" is two bytes: the first chunk ends between them.
                  controller.enqueue(bytes.slice(0, 17))
                  controller.enqueue(bytes.slice(17))
                  controller.close()
                }
              })
          },
          { raw: "", status: 502 }
        ),
        { retry: false }
      )
      return Effect.gen(function*() {
        expect((yield* read(Page)).body).toEqual({ data: [{ id: "é" }] })
        const empty = yield* Effect.flip(read(Page))
        expect(empty).toMatchObject({ _tag: "GraphTransportError", reason: "UnexpectedStatus", httpStatus: 502 })
        expect(empty.message).toContain("an empty body")
      }).pipe(Effect.provide(layer))
    })
  })

  it.effect("decoding: a mismatch names the path in a short message; deep or huge data cannot blow it up", () => {
    // JSON text: a value this deep is more than JSON.stringify can write.
    const deep = `${"{\"id\":".repeat(20_000)}"bottom"${"}".repeat(20_000)}`
    const huge = JSON.stringify("x".repeat(5_000_000))
    const bodies = [
      "{\"data\":[{\"id\":1}]}",
      `{"data":[${deep}]}`,
      `{"data":[{"id":${deep}}]}`,
      `{"data":[{"id":1,"name":${huge}}]}`,
      `{"data":${huge}}`
    ]
    // Each body after a 503, so that the decode error comes on the second attempt.
    const { layer } = Testing.scriptedClient(
      (_, i) =>
        i % 2 === 0 ? { raw: "", status: 503 } : { raw: bodies[(i - 1) / 2]!, headers: { "x-fb-trace-id": "T" } },
      { retry: { baseDelay: "1 second", jitter: false } }
    )
    return Effect.gen(function*() {
      const decodeError = (schema: Schema.Schema<any, any>) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(Effect.flip(read(schema)))
          yield* TestClock.adjust("1 minute")
          return yield* Fiber.join(fiber)
        })
      const wrong = yield* decodeError(Page)
      expect(wrong).toMatchObject({
        _tag: "GraphDecodeError",
        route: "/{business-id}/edge",
        attempts: 2,
        fbtraceId: "T"
      })
      expect(wrong.message).toContain("data[0].id")
      for (let i = 1; i < bodies.length; i++) {
        const error = yield* decodeError(Page)
        expect(error._tag).toBe("GraphDecodeError")
        expect(error.message.length).toBeLessThan(400)
        expect(JSON.stringify(error).length).toBeLessThan(800)
      }
    }).pipe(Effect.provide(layer))
  })

  it.effect("decoding: a recursive schema on hostile nesting is a typed error, not a defect", () => {
    interface Tree {
      readonly id: Tree | string
    }
    const TreeSchema: Schema.Schema<Tree> = Schema.Struct({
      id: Schema.Union(Schema.String, Schema.suspend(() => TreeSchema))
    })
    const deep = `${"{\"id\":".repeat(20_000)}"bottom"${"}".repeat(20_000)}`
    const { layer } = Testing.scriptedClient(() => ({ raw: deep }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(read(TreeSchema))
      expect(error._tag).toBe("GraphDecodeError")
      expect(error.message).toContain("nested too deeply")
    }).pipe(Effect.provide(layer))
  })

  it.effect("decoding through GraphSchema.tolerant: nulls read as absent beside nested edges", () => {
    const optional = GraphSchema.optional
    const Phone = Schema.Struct({
      id: GraphSchema.GraphId,
      quality_rating: optional(GraphSchema.openEnum("GREEN", "YELLOW", "RED"))
    })
    const Account = Schema.Struct({
      id: GraphSchema.GraphId,
      name: optional(Schema.String),
      creation_time: optional(GraphSchema.UnixSeconds),
      reference: optional(Schema.Union(
        Schema.Struct({ id: optional(GraphSchema.GraphId), name: optional(Schema.String) }),
        Schema.transform(GraphSchema.GraphId, Schema.Struct({ id: Schema.String }), {
          strict: true,
          decode: (id) => ({ id }),
          encode: (reference) => reference.id
        })
      )),
      extra: optional(Schema.Unknown),
      phone_numbers: optional(GraphSchema.Connection(Phone))
    })
    const body = {
      data: [
        null,
        {
          id: 12,
          name: null,
          creation_time: "1700000000",
          reference: "99",
          extra: { a: null, b: [null, 1] },
          phone_numbers: { data: [null, { id: "7", quality_rating: "PURPLE" }], paging: null }
        }
      ],
      paging: { cursors: { after: "A", before: null }, next: null }
    }
    const { layer } = Testing.scriptedClient(() => ({ body }))
    return Effect.gen(function*() {
      const response = yield* read(GraphSchema.tolerant(GraphSchema.Connection(Account)))
      expect(response.body).toEqual({
        data: [{
          id: "12",
          creation_time: new Date(1_700_000_000_000),
          reference: { id: "99" },
          extra: { b: [1] },
          phone_numbers: { data: [{ id: "7", quality_rating: "PURPLE" }] }
        }],
        paging: { cursors: { after: "A" } }
      })
    }).pipe(Effect.provide(layer))
  })

  it.scoped("retries: attempts are numbered, waits follow the schedule, each retry is announced once", () => {
    const { layer, seen } = Testing.scriptedClient(
      () => Testing.graphError({ message: "retry", code: 2, is_transient: true }, 500),
      { retry: { maxRetries: 2, baseDelay: "1 second", jitter: false } }
    )
    return Effect.gen(function*() {
      const events = yield* GraphEvents.make()
      const received = yield* events.subscribe
      const fiber = yield* Effect.fork(
        Effect.flip(read(Page)).pipe(Effect.provideService(GraphEvents.GraphEvents, events))
      )
      yield* TestClock.adjust("1 hour")
      const error = yield* Fiber.join(fiber)
      const announced = Chunk.toReadonlyArray(yield* received.pipe(Stream.take(2), Stream.runCollect))
        .map((event) => event._tag === "RetryScheduled" ? [event.attempt, Duration.toMillis(event.delay)] : [])
      expect(seen).toHaveLength(3)
      expect(announced).toEqual([[1, 1000], [2, 2000]])
      expect(error).toMatchObject({ _tag: "GraphTransientError", attempts: 3 })
    }).pipe(Effect.provide(layer))
  })

  it.effect("a rate-governor refusal ends the call at once: not retried, nothing sent", () => {
    const server = Testing.scripted(() => Testing.page([]))
    const refusing = Layer.succeed(RateGovernor.RateGovernor, {
      acquire: () =>
        Effect.fail(
          new RateGovernor.HoldTooLongError({
            scope: "1",
            reason: "regain",
            wait: Duration.hours(1),
            maxWait: Duration.minutes(15),
            usagePercent: 100
          })
        ),
      observe: () => Effect.void
    })
    const graph = GraphClient.layer.pipe(
      Layer.provide(GraphConfig.layer({ accessToken: Testing.token })),
      Layer.provide(server.layer),
      Layer.provide(refusing)
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(read(Page))
      expect(error._tag).toBe("HoldTooLongError")
      expect(server.seen).toHaveLength(0)
    }).pipe(Effect.provide(graph))
  })
})
