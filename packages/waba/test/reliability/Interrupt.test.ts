/**
 * Interrupting a stream mid-request aborts the HTTP request (the emulator sees the client go away) and
 * leaves no fiber and no socket behind.
 */
import { Testing } from "@effect-waba/emulator"
import { Emulator, EmulatorServer } from "@effect-waba/emulator"
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Supervisor from "effect/Supervisor"
import * as Http from "node:http"
import * as Https from "node:https"
import type * as Net from "node:net"

/** A Node HTTP agent whose sockets we can see. */
const trackedAgent = () => {
  const agent = new Http.Agent({ keepAlive: true })
  const sockets: Array<Net.Socket> = []
  const create = agent.createConnection.bind(agent)
  agent.createConnection = ((...args: Parameters<typeof create>) => {
    const socket = create(...args) as Net.Socket
    sockets.push(socket)
    return socket
  }) as typeof agent.createConnection
  const layer = Layer.succeed(NodeHttpClient.HttpAgent, {
    [NodeHttpClient.HttpAgentTypeId]: NodeHttpClient.HttpAgentTypeId,
    http: agent,
    https: new Https.Agent()
  })
  return { agent, sockets, layer }
}

describe("interruption", () => {
  for (const prefetch of [false, 2] as const) {
    it.live(`aborts the request in flight and leaks nothing (prefetch: ${prefetch})`, () => {
      const tracked = trackedAgent()
      const graph = Layer.unwrapEffect(
        Effect.gen(function*() {
          const emulator = yield* Emulator.Emulator
          const { url } = yield* EmulatorServer.EmulatorServer
          return GraphClient.layer.pipe(
            Layer.provide(GraphConfig.layer({ accessToken: emulator.token, baseUrl: url })),
            Layer.provide(NodeHttpClient.layerWithoutAgent),
            Layer.provide(tracked.layer)
          )
        })
      ).pipe(
        Layer.provideMerge(EmulatorServer.layer({ port: 0 })),
        Layer.provideMerge(Emulator.layer({ businesses: [100], rateLimit: false }))
      )
      return Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const businessId = emulator.businessIds[0]!
        // The third request hangs for a long time; the consumer gives up while it is in flight.
        yield* emulator.setFaults([{ kind: "slow", ms: 30_000, when: { requests: [3] } }])
        const supervisor = yield* Supervisor.track
        const fiber = yield* OwnedAccounts.stream(businessId, { limit: 10, prefetch }).pipe(
          Stream.runDrain,
          Effect.supervised(supervisor),
          Effect.fork
        )
        yield* Testing.eventually(Effect.map(emulator.requestCount, (n) => n >= 3), "the third request")
        const active = Object.values(tracked.agent.sockets).flat().length
        expect(active).toBe(1)
        yield* Fiber.interrupt(fiber)

        // The server saw the client go away...
        yield* Testing.eventually(
          Effect.map(emulator.requests, (log) => log[2]?.aborted === true),
          "the emulator to see the abort"
        )
        // ...every fiber the stream started has ended...
        expect((yield* supervisor.value).filter((f) => f.unsafePoll() === null)).toHaveLength(0)
        // ...the socket of the aborted request is destroyed, none is left in use, and only idle
        // keep-alive sockets of finished requests may remain pooled.
        expect(Object.values(tracked.agent.sockets).flat()).toHaveLength(0)
        const open = tracked.sockets.filter((s) => !s.destroyed)
        const pooled = Object.values(tracked.agent.freeSockets).flat()
        expect(open.every((s) => pooled.includes(s))).toBe(true)
        expect(tracked.sockets.some((s) => s.destroyed)).toBe(true)
        expect(yield* emulator.requestCount).toBe(3)
        tracked.agent.destroy()
      }).pipe(Effect.provide(graph))
    }, 20_000)
  }
})
