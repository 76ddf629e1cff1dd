/**
 * The over-the-wire transport: a real HTTP server (`@effect/platform-node`'s `NodeHttpServer`) on
 * loopback, answering from the `Emulator` in context. Port 0 picks a free port; the service reports the
 * address to point clients at, and `paging.next` links carry whatever origin the client used.
 *
 * Faults are real network behaviour here: a `reset` sends the headers and part of the body, then destroys
 * the socket; delays are real time (whatever clock the test runs under), and a client that disconnects
 * during one is logged as `aborted`.
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import { Emulator, type EmulatorService } from "./Emulator.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface EmulatorServerService {
  /** The origin to give clients, e.g. `http://127.0.0.1:53117`. */
  readonly url: string
  readonly hostname: string
  readonly port: number
}

/**
 * The running server's address.
 *
 * @since 0.1.0
 * @category tags
 */
export class EmulatorServer extends Context.Tag("@effect-waba/emulator/EmulatorServer")<
  EmulatorServer,
  EmulatorServerService
>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default 0: any free port. */
  readonly port?: number | undefined
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined
}

// Real sockets take real time: injected delays must not wait on a TestClock the server happens to inherit.
const liveClock = Clock.make()

const app = (emulator: EmulatorService, fallbackHost: () => string) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const host = request.headers["host"] ?? fallbackHost()
    const reply = yield* emulator.handle({
      method: request.method,
      url: new URL(request.url, `http://${host}`),
      headers: request.headers,
      transport: "server"
    })
    if (reply.delayMs > 0) {
      // The platform interrupts this fiber when the client's connection closes before the response ends.
      yield* Effect.interruptible(Effect.sleep(reply.delayMs)).pipe(
        Effect.withClock(liveClock),
        Effect.onInterrupt(() => Effect.sync(reply.markAborted))
      )
    }
    const cut = reply.resetAfterBytes
    if (cut !== undefined) {
      const response = NodeHttpServerRequest.toServerResponse(request)
      yield* Effect.async<void>((resume) => {
        response.writeHead(reply.status, reply.headers)
        // Wait until the partial body has left the process, so the client reliably receives it first.
        response.write(reply.body.subarray(0, cut), () => resume(Effect.void))
      })
      response.socket?.destroy()
      // Marks the response finished (writes to a destroyed socket are dropped), so the platform neither
      // answers a second time nor reports the closed connection as a client abort.
      response.end()
      return HttpServerResponse.empty()
    }
    return HttpServerResponse.uint8Array(reply.body, {
      status: reply.status,
      headers: reply.headers,
      contentType: reply.headers["content-type"]
    })
  })

/**
 * Starts the server on loopback for as long as the scope lives.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<EmulatorServerService, HttpServerError.ServeError, Emulator | Scope.Scope> =>
  Effect.gen(function*() {
    const emulator = yield* Emulator
    const nodeServer = Http.createServer()
    const server = yield* NodeHttpServer.make(() => nodeServer, {
      port: options.port ?? 0,
      host: options.host ?? "127.0.0.1"
    })
    // Runs before the platform's own close: a keep-alive or stalled connection must not hold shutdown.
    yield* Effect.addFinalizer(() => Effect.sync(() => nodeServer.closeAllConnections()))
    const address = server.address
    const hostname = address._tag === "TcpAddress" ? address.hostname : "127.0.0.1"
    const port = address._tag === "TcpAddress" ? address.port : 0
    const authority = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`
    yield* server.serve(app(emulator, () => authority)).pipe(
      // Spans per request cost time on the benchmark path and nobody reads them here.
      HttpMiddleware.withTracerDisabledWhenEffect(() => true)
    )
    return { url: `http://${authority}`, hostname, port }
  })

/**
 * Provides the running server's address; needs the `Emulator`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import { Emulator, EmulatorServer } from "@effect-waba/emulator"
 *
 * const Live = EmulatorServer.layer({ port: 0 }).pipe(Layer.provideMerge(Emulator.layer()))
 *
 * const program = Effect.gen(function*() {
 *   const { url } = yield* EmulatorServer.EmulatorServer
 *   const emulator = yield* Emulator.Emulator
 *   const response = yield* Effect.promise(() =>
 *     fetch(`${url}/v23.0/${emulator.businessIds[0]}/owned_whatsapp_business_accounts`, {
 *       headers: { authorization: `Bearer ${emulator.token}` }
 *     })
 *   )
 *   return response.status // 200
 * }).pipe(Effect.provide(Live))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<EmulatorServer, HttpServerError.ServeError, Emulator> =>
  Layer.scoped(EmulatorServer, make(options))
