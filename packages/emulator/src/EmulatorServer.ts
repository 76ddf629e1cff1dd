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
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import { Emulator } from "./Emulator.js"
import { Transport } from "./internal/emulator.js"

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

// The emulator's app on a socket, where a body that fails part-way is a connection reset: the headers and
// the bytes before the failure are sent, then the socket is destroyed.
const onSocket = (app: HttpApp.Default) =>
  Effect.gen(function*() {
    const response = yield* app.pipe(Effect.withClock(liveClock), Effect.provideService(Transport, "server"))
    if (response.body._tag !== "Stream") return response
    const node = NodeHttpServerRequest.toServerResponse(yield* HttpServerRequest.HttpServerRequest)
    node.writeHead(response.status, response.headers)
    yield* Stream.runForEach(
      response.body.stream,
      // Each write waits until its bytes have left the process, so the client reliably receives them first.
      (chunk) => Effect.async<void>((resume) => void node.write(chunk, () => resume(Effect.void)))
    ).pipe(Effect.ignore)
    node.socket?.destroy()
    // Marks the response finished (writes to a destroyed socket are dropped), so the platform neither
    // answers a second time nor reports the closed connection as a client abort.
    node.end()
    return HttpServerResponse.empty()
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
    yield* server.serve(onSocket(emulator.app)).pipe(
      // The server is a test's scaffolding: its requests must not add spans to the test's tracer.
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
 *     fetch(`${url}/v27.0/${emulator.businessIds[0]}/owned_whatsapp_business_accounts`, {
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
