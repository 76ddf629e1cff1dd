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

const decoder = new TextDecoder()

/**
 * A complete reply as the parts of a web `Response` that `HttpClientResponse.fromWeb` reads: status,
 * headers, body and its readers. The first real `Response` or `Headers` of a process loads Node's whole
 * fetch implementation (its bundled undici, and http2 with it), a fifth of the CLI's embedded demo; a
 * reply that is all there needs none of it. Headers read as a `Headers` would give them: names in lower
 * case, values trimmed, sorted by name.
 */
class CompleteReply {
  readonly headers: ReadonlyArray<[string, string]> & { readonly getSetCookie: () => Array<string> }
  constructor(
    readonly status: number,
    headers: Readonly<Record<string, string>>,
    private readonly bytes: Uint8Array | null
  ) {
    const entries = Object.entries(headers)
      .map(([name, value]): [string, string] => [name.toLowerCase(), value.trim()])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    this.headers = Object.assign(entries, {
      getSetCookie: () => entries.filter(([name]) => name === "set-cookie").map(([, value]) => value)
    })
  }
  get body(): ReadableStream<Uint8Array> | null {
    const bytes = this.bytes
    if (bytes === null) return null
    return new ReadableStream<Uint8Array>({
      start(controller) {
        if (bytes.length > 0) controller.enqueue(bytes.slice())
        controller.close()
      }
    })
  }
  text(): Promise<string> {
    return Promise.resolve(this.bytes === null ? "" : decoder.decode(this.bytes))
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.bytes === null ? new ArrayBuffer(0) : this.bytes.slice().buffer)
  }
  // Nothing reads Graph replies as forms; should anything, the real thing parses them.
  formData(): Promise<FormData> {
    return new Response(this.bytes?.slice() ?? null, { status: this.status, headers: [...this.headers] }).formData()
  }
}

const toWeb = (reply: EmulatorReply, method: string): Response => {
  const status = reply.status
  const nullBody = method === "HEAD" || status === 204 || status === 304
  const cut = reply.resetAfterBytes
  if (nullBody || cut === undefined) {
    // fromWeb reads only what CompleteReply has.
    return new CompleteReply(status, reply.headers, nullBody ? null : reply.body.slice()) as unknown as Response
  }
  const headers = new Headers(reply.headers)
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
export const layer: Layer.Layer<HttpClient.HttpClient, never, Emulator> = Layer.fresh(
  // Fresh: this layer is one shared value, and a memoised build would keep answering from whichever
  // emulator it was first built against.
  Layer.effect(HttpClient.HttpClient, Effect.map(Emulator, make))
)
