import { Emulator, EmulatorServer } from "@effect-waba/emulator"
import { GraphClient, GraphConfig, RateGovernor } from "@effect-waba/graph-core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * An emulator server on loopback (port 0) and a GraphClient pointed at it over real HTTP (fetch).
 * Both the emulator and the client are in context. The rate governor is off unless one is given:
 * these tests are about what reaches the wire and how the client answers Graph's refusals.
 */
export const overTheWire = (
  emulatorOptions: Emulator.Options = {},
  config: Omit<GraphConfig.Options, "accessToken" | "baseUrl"> & { readonly accessToken?: string } = {},
  governor: Layer.Layer<RateGovernor.RateGovernor> = RateGovernor.disabled
) => {
  const server = EmulatorServer.layer({ port: 0 }).pipe(Layer.provideMerge(Emulator.layer(emulatorOptions)))
  const client = Layer.unwrapEffect(
    Effect.gen(function*() {
      const { url } = yield* EmulatorServer.EmulatorServer
      const emulator = yield* Emulator.Emulator
      return GraphClient.layer.pipe(
        Layer.provide(GraphConfig.layer({ accessToken: emulator.token, ...config, baseUrl: url })),
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(governor)
      )
    })
  )
  return client.pipe(Layer.provideMerge(server))
}

/** Waits in real time (the emulator runs on real sockets) until `predicate` holds. */
export const eventually = (predicate: Effect.Effect<boolean>, what: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) {
      if (yield* predicate) return
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
    }
    return yield* Effect.die(new Error(`timed out waiting for ${what}`))
  })
