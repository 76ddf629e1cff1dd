import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Emulator from "../src/Emulator.js"
import type * as Faults from "../src/Faults.js"
import { edgeUrl } from "./helpers.js"

/** Sends one request through the HttpClient in context, to the server's origin if one runs. */
export const send = (origin?: string) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.Emulator
    const client = yield* HttpClient.HttpClient
    return yield* client.execute(
      HttpClientRequest.get(edgeUrl(emulator.businessIds[0]!, origin)).pipe(
        HttpClientRequest.bearerToken(emulator.token)
      )
    )
  })

/** Installs one rule for the next request only. */
export const once = (fault: Faults.Fault) =>
  Effect.flatMap(Emulator.Emulator, (emulator) => emulator.setFaults([{ ...fault, when: { next: 1 } } as Faults.Rule]))

/** The newest request log entry. */
export const lastEntry = Effect.flatMap(Emulator.Emulator, (emulator) => emulator.requests).pipe(
  Effect.map((all) => all.at(-1)!)
)

/**
 * The fault kinds whose effect is the same whatever the transport, checked through the HttpClient in
 * context. `origin` is the server's when running over the wire.
 */
export const sharedFaultChecks = (origin: Effect.Effect<string | undefined, never, any>) => ({
  httpErrors: Effect.gen(function*() {
    const at = yield* origin
    for (const status of [500, 502, 503] as const) {
      yield* once({ kind: "httpError", status })
      const withBody = yield* send(at)
      expect(withBody.status).toBe(status)
      const body: any = yield* withBody.json
      expect(body.error.code).toBe(status === 500 ? 1 : 2)
      expect(body.error.fbtrace_id).toBe(withBody.headers["x-fb-trace-id"])
      if (status !== 500) expect(body.error.is_transient).toBe(true)

      yield* once({ kind: "httpError", status, body: "empty" })
      const empty = yield* send(at)
      expect(empty.status).toBe(status)
      expect(yield* empty.text).toBe("")
      expect((yield* lastEntry).fault).toBe("httpError")
    }
  }),
  graphErrors: Effect.gen(function*() {
    const at = yield* origin
    const expected = [[1, 500, undefined], [2, 503, true], ["transient", 400, true]] as const
    for (const [code, status, transient] of expected) {
      yield* once({ kind: "graphError", code })
      const response = yield* send(at)
      const body: any = yield* response.json
      expect(response.status).toBe(status)
      expect(body.error.code).toBe(code === "transient" ? 131000 : code)
      expect(body.error.is_transient).toBe(transient)
    }
  }),
  reset: Effect.gen(function*() {
    yield* once({ kind: "reset" })
    const response = yield* send(yield* origin)
    // The status line and headers arrived; the body did not.
    expect(response.status).toBe(200)
    expect(Number(response.headers["content-length"])).toBeGreaterThan(0)
    const body = yield* Effect.either(response.text)
    expect(Either.isLeft(body)).toBe(true)
    if (Either.isLeft(body)) expect(body.left._tag).toBe("ResponseError")
    expect((yield* lastEntry).fault).toBe("reset")
  }),
  truncated: Effect.gen(function*() {
    yield* once({ kind: "truncated", keepBytes: 100 })
    const response = yield* send(yield* origin)
    expect(response.status).toBe(200)
    const text = yield* response.text
    expect(text).toHaveLength(100)
    expect(response.headers["content-length"]).toBe("100")
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
  }),
  nonJson: Effect.gen(function*() {
    yield* once({ kind: "nonJson" })
    const response = yield* send(yield* origin)
    expect(response.status).toBe(200)
    expect(response.headers["content-type"]).toMatch(/^text\/html/)
    const text = yield* response.text
    expect(text).toMatch(/^<!DOCTYPE html>/)
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
    yield* once({ kind: "nonJson", status: 502 })
    expect((yield* send(yield* origin)).status).toBe(502)
  })
})
