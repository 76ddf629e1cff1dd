/**
 * The README's library example: the ten newest accounts created since 2024, as a typed Stream.
 */
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { Filter, OwnedAccounts } from "@effect-waba/waba"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Stream } from "effect"

export const GraphLive = GraphClient.layer.pipe(
  Layer.provide(GraphConfig.layerConfig()), // GRAPH_ACCESS_TOKEN, GRAPH_APP_SECRET, ...
  Layer.provide(FetchHttpClient.layer)
)

export const newestSince2024 = (businessId: string) =>
  OwnedAccounts.stream(businessId, {
    fields: ["name", "creation_time", "ownership_type"],
    filtering: Filter.creationTime.greaterThanOrEqual(new Date("2024-01-01T00:00:00Z")),
    sort: "creation_time_descending"
  }).pipe(
    Stream.take(10),
    Stream.runForEach((account) => Effect.log(`${account.name} ${account.creation_time?.toISOString()}`))
  )

// Effect.runPromise(newestSince2024("1234567890").pipe(Effect.provide(GraphLive)))
