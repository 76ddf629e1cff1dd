/**
 * The two ways to provide `GraphClient`: Meta's Graph API for real, the emulator in-process for a demo
 * or a test. Application code does not know which it got.
 */
import { Emulator, EmulatorHttpClient } from "@effect-waba/emulator"
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Layer from "effect/Layer"

/** Meta's Graph API, configured from GRAPH_ACCESS_TOKEN, GRAPH_APP_SECRET, GRAPH_API_VERSION, GRAPH_BASE_URL. */
export const GraphLive: Layer.Layer<GraphClient.GraphClient, GraphConfig.GraphConfigError> = GraphClient.layer.pipe(
  Layer.provide(GraphConfig.layerConfig()),
  Layer.provide(FetchHttpClient.layer)
)

/**
 * The emulator in-process (no sockets), with the emulator itself in context to seed data, inject faults
 * or read its request log.
 */
export const GraphEmulated = (
  options: Emulator.Options = {},
  config: Omit<GraphConfig.Options, "accessToken"> = {}
): Layer.Layer<GraphClient.GraphClient | Emulator.Emulator> =>
  GraphClient.layer.pipe(
    Layer.provide(Layer.orDie(GraphConfig.layer({ ...config, accessToken: options.token ?? Emulator.defaultToken }))),
    Layer.provide(EmulatorHttpClient.layer),
    Layer.provideMerge(Emulator.layer(options))
  )
