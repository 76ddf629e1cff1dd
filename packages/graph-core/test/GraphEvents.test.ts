import { GraphEvents } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

describe("GraphEvents", () => {
  it.effect("publish without a GraphEvents service in context does nothing and never fails", () =>
    GraphEvents.publish(
      GraphEvents.Held({ scope: "1", reason: "regain", wait: Duration.seconds(3), usagePercent: 100 })
    ))

  it.scoped("subscribers receive what is published while they listen, in order", () =>
    Effect.gen(function*() {
      const events = yield* GraphEvents.make()
      const received = yield* events.subscribe
      const held = GraphEvents.Held({ scope: "42", reason: "pacing", wait: Duration.millis(800), usagePercent: 71 })
      const retry = GraphEvents.RetryScheduled({
        route: "/{business-id}/owned_whatsapp_business_accounts",
        attempt: 1,
        error: "GraphRateLimitError",
        code: 80008,
        delay: Duration.seconds(2)
      })
      yield* GraphEvents.publish(held).pipe(Effect.provideService(GraphEvents.GraphEvents, events))
      yield* events.publish(retry)
      const got = yield* received.pipe(Stream.take(2), Stream.runCollect)
      expect(Chunk.toReadonlyArray(got)).toEqual([held, retry])
      expect(GraphEvents.is("Held")(held)).toBe(true)
      expect(GraphEvents.is("Held")(retry)).toBe(false)
    }))
})
