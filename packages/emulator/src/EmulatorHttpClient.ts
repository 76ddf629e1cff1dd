/**
 * The in-process transport: an `HttpClient` that answers every request from the emulator without
 * opening a socket. Any URL is routed to the emulator, so a client configured for
 * `https://graph.facebook.com` works unchanged; `paging.next` links then point at that same origin.
 *
 * It serves the emulator's `app`, the same one {@link EmulatorServer} puts on a socket. Faults behave as a
 * client would see them over the wire: a `reset` fault yields a response whose body stream fails part-way
 * (the body read fails with a `ResponseError`), a `truncated` fault a complete body that is not valid JSON.
 * Injected delays use Effect's `Clock`, so under `TestClock` a test moves them with `TestClock.adjust`; an
 * interrupted call (a client timeout, say) is logged as `aborted`.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Emulator, type EmulatorService } from "./Emulator.js"
import * as internal from "./internal/inProcess.js"

/**
 * An `HttpClient` backed by the given emulator.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (emulator: EmulatorService): HttpClient.HttpClient => internal.client(emulator.app)

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
 *     `https://graph.facebook.com/v27.0/${emulator.businessIds[0]}/owned_whatsapp_business_accounts`,
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
