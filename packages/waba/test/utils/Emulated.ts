import { Emulator, EmulatorHttpClient, EmulatorServer } from "@effect-waba/emulator"
import type { RateGovernor } from "@effect-waba/graph-core"
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

type ConfigOverrides = Omit<GraphConfig.Options, "accessToken" | "baseUrl">

/** The emulator answering in-process (no sockets) for a GraphClient with Graph's real base URL. */
export const inProcess = (options: Emulator.Options = {}, config: ConfigOverrides = {}) =>
  Layer.unwrapEffect(
    Effect.map(Emulator.Emulator, (emulator) =>
      GraphClient.layer.pipe(
        Layer.provide(GraphConfig.layer({ accessToken: emulator.token, ...config })),
        Layer.provide(EmulatorHttpClient.layer)
      ))
  ).pipe(Layer.provideMerge(Emulator.layer(options)))

/**
 * The emulator as a real server on loopback, and a GraphClient talking to it with fetch, governed by
 * the default (in-memory) rate governor unless another layer is given.
 */
export const overTheWire = (
  options: Emulator.Options = {},
  config: ConfigOverrides = {},
  governor?: Layer.Layer<RateGovernor.RateGovernor>
) =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const { url } = yield* EmulatorServer.EmulatorServer
      const client = GraphClient.layer.pipe(
        Layer.provide(GraphConfig.layer({ accessToken: emulator.token, ...config, baseUrl: url })),
        Layer.provide(FetchHttpClient.layer)
      )
      return governor === undefined ? client : Layer.provide(client, governor)
    })
  ).pipe(Layer.provideMerge(EmulatorServer.layer({ port: 0 })), Layer.provideMerge(Emulator.layer(options)))

/** The first business's id and its accounts as the emulator holds them (the oracle). */
export const oracle = (descending = false) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.Emulator
    const businessId = emulator.businessIds[0]!
    const accounts = yield* emulator.accounts(businessId, { descending })
    return { emulator, businessId, accounts }
  })
