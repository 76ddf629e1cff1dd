/**
 * The emulator as an Effect 4 layer for your tests: a faithful local Graph API on loopback, started for the
 * layer's scope and stopped with it, with a `GraphClient` and `GraphConfig` that talk to it (its demo token,
 * its URL) and its controls as a service — the request log, fault rules, data changes.
 *
 * The emulator itself is the one the Effect 3 line tests against (`@effect-waba/emulator` 0.x), run as a
 * server: the two lines are tested against the same Graph.
 *
 * @since 1.0.0
 */
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Engine from "./internal/engine.js"

/**
 * What the emulator can be told at start: its data (seed, businesses, accounts), tokens, app secret,
 * rate limits, faults and quirks, as for the Effect 3 line's emulator.
 *
 * @since 1.0.0
 * @category models
 */
export type Options = Engine.Options

/**
 * A running emulator: its URL and token, the request log, fault rules, data changes.
 *
 * @since 1.0.0
 * @category models
 */
export type Controls = Engine.Running

/**
 * The running emulator, as a service.
 *
 * @since 1.0.0
 * @category services
 */
export class Emulator extends Context.Service<Emulator, Controls>()("@effect-waba/emulator/Emulator") {}

/**
 * An emulator on a free loopback port for the layer's scope.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerEmulator = (options: Options = {}): Layer.Layer<Emulator> =>
  Layer.effect(
    Emulator,
    Effect.acquireRelease(
      Effect.promise(() => Engine.start({ host: "127.0.0.1", ...options })),
      (running) => Effect.promise(() => running.stop())
    )
  )

/**
 * An emulator, and a `GraphClient` (with its `GraphConfig`) that reads from it with its token: what a test
 * of code that reads Graph needs.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<Emulator | GraphClient.GraphClient | GraphConfig.GraphConfig, GraphConfig.GraphConfigError> => {
  const config = Layer.effect(
    GraphConfig.GraphConfig,
    Effect.gen(function*() {
      const running = yield* Emulator
      return yield* GraphConfig.make({ accessToken: running.token, baseUrl: running.url })
    })
  )
  return GraphClient.layer.pipe(
    Layer.provideMerge(config),
    Layer.provide(FetchHttpClient.layer),
    Layer.provideMerge(layerEmulator(options))
  )
}
