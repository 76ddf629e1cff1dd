/**
 * The emulator for tests that do not use Effect: start a real loopback server with one `await`, point any
 * HTTP client at `emu.url`, inspect and steer it with plain functions, and `await emu.stop()`; or make one
 * that answers web requests in the process (`makeEmulator`), with no socket.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import { identity } from "effect/Function"
import * as Scope from "effect/Scope"
import type * as Changes from "./Changes.js"
import * as Emulator from "./Emulator.js"
import * as EmulatorServer from "./EmulatorServer.js"
import type * as WebhookDelivery from "./WebhookDelivery.js"

/**
 * Emulator options plus where to listen.
 *
 * @since 0.1.0
 * @category models
 */
export interface StartOptions extends Emulator.Options, EmulatorServer.Options {}

type Service = Emulator.EmulatorService

// Members that may wait on the network, or need a client: not plain synchronous calls.
type Special = "app" | "change" | "setWebhookTarget"

/**
 * The service's members as plain values and functions: each `Effect` becomes a call that runs it (see
 * {@link Emulator.EmulatorService} for what each does), e.g. `requests()`, `setFaults(rules)`,
 * `advanceClock("1 hour")`, `accounts(businessId)`. `change` returns a promise (it may deliver a webhook),
 * rejected with the `ChangeError` itself; `setWebhookTarget` delivers with `fetch` and throws the
 * `WebhookDeliveryError` of a bad URL.
 *
 * @since 0.1.0
 * @category models
 */
export type Controls =
  & {
    readonly [K in Exclude<keyof Service, Special>]: Service[K] extends Effect.Effect<infer A> ? () => A
      : Service[K] extends (...args: infer P) => Effect.Effect<infer A> ? (...args: P) => A
      : Service[K]
  }
  & {
    readonly change: (change: Changes.Change) => Promise<Changes.Applied>
    readonly setWebhookTarget: (target: WebhookDelivery.Target) => void
  }

/**
 * A running emulator.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningEmulator extends Controls {
  /** The server's origin, e.g. `http://127.0.0.1:53117`; append `/v27.0/{business-id}/owned_whatsapp_business_accounts`. */
  readonly url: string
  /** The Effect service underneath. */
  readonly emulator: Service
  /** Closes the server and every open connection. */
  readonly stop: () => Promise<void>
}

/**
 * Starts an emulator and its loopback server.
 *
 * @example
 * ```ts
 * import { startEmulator } from "@effect-waba/emulator/PromiseApi"
 *
 * const emu = await startEmulator({ businesses: [120] })
 * const response = await fetch(`${emu.url}/v27.0/${emu.businessIds[0]}/owned_whatsapp_business_accounts`, {
 *   headers: { authorization: `Bearer ${emu.token}` }
 * })
 * console.log((await response.json()).data.length) // 25
 * await emu.stop()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const startEmulator = async (options: StartOptions = {}): Promise<RunningEmulator> => {
  const scope = Effect.runSync(Scope.make())
  const emulator = Emulator.unsafeMake(options)
  const server = await Effect.runPromise(
    EmulatorServer.make({ port: options.port, host: options.host }).pipe(
      Effect.provideService(Emulator.Emulator, emulator),
      Scope.extend(scope),
      Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
    )
  )
  return {
    ...controls(emulator),
    url: server.url,
    emulator,
    stop: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

/**
 * An emulator with no server: it answers web `Request`s in the process, through `handler`.
 *
 * @since 0.1.0
 * @category models
 */
export interface InProcessEmulator extends Controls {
  /**
   * Answers a request as the server would, whatever its origin (`paging.next` links keep that origin). An
   * aborted request's answer is given up on and logged as `aborted`; its promise is left pending, so a
   * fetch-like caller rejects it itself when the signal aborts.
   */
  readonly handler: (request: Request) => Promise<Response>
  /** The Effect service underneath. */
  readonly emulator: Service
}

/**
 * Makes an emulator that answers in the process, with no socket: hand its `handler` to code that takes a
 * web handler, or wrap it as a `fetch` for an HTTP client. Faults behave as over the wire: a `reset` is a
 * body that fails part-way, delays are real time.
 *
 * @example
 * ```ts
 * import { makeEmulator } from "@effect-waba/emulator/PromiseApi"
 *
 * const emu = makeEmulator({ businesses: [120] })
 * const response = await emu.handler(
 *   new Request(`https://graph.facebook.com/v27.0/${emu.businessIds[0]}/owned_whatsapp_business_accounts`, {
 *     headers: { authorization: `Bearer ${emu.token}` }
 *   })
 * )
 * console.log((await response.json()).data.length) // 25
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEmulator = (options: Emulator.Options = {}): InProcessEmulator => {
  const emulator = Emulator.unsafeMake(options)
  return { ...controls(emulator), handler: HttpApp.toWebHandler(emulator.app), emulator }
}

// The service's members as plain calls: each `Effect` is run where it is called.
const controls = (emulator: Service): Controls => {
  const { app: _, change, setWebhookTarget, ...members } = emulator
  const plain = Object.fromEntries(
    Object.entries(members).map(([key, member]) => [
      key,
      Effect.isEffect(member)
        ? () => Effect.runSync(member as Effect.Effect<unknown>)
        : typeof member === "function"
        ? (...args: Array<never>) =>
          Effect.runSync((member as (...args: Array<never>) => Effect.Effect<unknown>)(...args))
        : member
    ])
  )
  // A typed failure is thrown (or rejected with) as itself, not wrapped.
  const orThrow = Either.getOrThrowWith(identity)
  return {
    ...plain as Omit<Controls, "change" | "setWebhookTarget">,
    change: (input) => Effect.runPromise(Effect.either(change(input))).then(orThrow),
    setWebhookTarget: (target) =>
      orThrow(Effect.runSync(Effect.either(Effect.provide(setWebhookTarget(target), FetchHttpClient.layer))))
  }
}
