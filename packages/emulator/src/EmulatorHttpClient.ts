/**
 * The in-process transport: an `HttpClient` that answers every request from the emulator without
 * opening a socket. Any URL is routed to the emulator, so a client configured for
 * `https://graph.facebook.com` works unchanged; `paging.next` links then point at that same origin.
 *
 * Faults behave as a client would see them over the wire: a `reset` fault yields a response whose body
 * stream fails part-way (the body read fails with a `ResponseError`), a `truncated` fault a complete body
 * that is not valid JSON. Injected delays use Effect's `Clock`, so under `TestClock` a test moves them
 * with `TestClock.adjust`; an interrupted call (a client timeout, say) is logged as `aborted`.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Emulator, type EmulatorReply, type EmulatorService } from "./Emulator.js"

const toWeb = (reply: EmulatorReply, method: string): Response => {
  const headers = new Headers(reply.headers)
  const status = reply.status
  const nullBody = method === "HEAD" || status === 204 || status === 304
  if (nullBody) return new Response(null, { status, headers })
  const cut = reply.resetAfterBytes
  if (cut === undefined) return new Response(reply.body.slice(), { status, headers })
  let sent = false
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true
        if (cut > 0) controller.enqueue(reply.body.slice(0, cut))
        return
      }
      // What a socket closed mid-body looks like to a reader.
      controller.error(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))
    }
  })
  return new Response(stream, { status, headers })
}

/**
 * An `HttpClient` backed by the given emulator.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (emulator: EmulatorService): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const reply = yield* emulator.handle({
        method: request.method,
        url,
        headers: request.headers,
        transport: "in-process"
      })
      if (reply.delayMs > 0) {
        yield* Effect.sleep(reply.delayMs).pipe(Effect.onInterrupt(() => Effect.sync(reply.markAborted)))
      }
      return HttpClientResponse.fromWeb(request, toWeb(reply, request.method))
    })
  )

/**
 * Provides `HttpClient.HttpClient` answered in-process by the `Emulator` in context.
 *
 * @example
 * ```ts
 * import * as HttpClient from "@effect/platform/HttpClient"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import { Emulator, EmulatorHttpClient } from "@effect-waba/emulator"
 *
 * const TestGraph = EmulatorHttpClient.layer.pipe(Layer.provideMerge(Emulator.layer()))
 *
 * const firstPage = Effect.gen(function*() {
 *   const emulator = yield* Emulator.Emulator
 *   const client = yield* HttpClient.HttpClient
 *   const response = yield* client.get(
 *     `https://graph.facebook.com/v23.0/${emulator.businessIds[0]}/owned_whatsapp_business_accounts`,
 *     { headers: { authorization: `Bearer ${emulator.token}` } }
 *   )
 *   return yield* response.json
 * }).pipe(Effect.provide(TestGraph))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient, never, Emulator> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(Emulator, make)
)
