/**
 * No public function throws synchronously, whatever it is given: null-prototype objects, proxies whose
 * getters throw, cycles, huge values. Each call returns, and running what it returns ends in a value or
 * a typed error, never a defect.
 */
import { GraphClient, GraphConfig, GraphPaging } from "@effect-waba/graph-core"
import {
  ClientAccounts,
  Filter,
  ManagedAccounts,
  OwnedAccounts,
  PhoneNumbers,
  WhatsAppBusinessAccount
} from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const empty = HttpClient.make((request) =>
  Effect.succeed(HttpClientResponse.fromWeb(request, new Response(JSON.stringify({ data: [] }))))
)
const Graph = GraphClient.layer.pipe(
  Layer.provide(GraphConfig.layer({ accessToken: "EAAGhostileTestToken0123456789", retry: false })),
  Layer.provide(Layer.succeed(HttpClient.HttpClient, empty))
)

const throwing = new Proxy({}, {
  get: () => {
    throw new Error("getter exploded")
  },
  ownKeys: () => {
    throw new Error("keys exploded")
  }
})
const cyclic: Record<string, unknown> = { fields: ["name"] }
cyclic.self = cyclic
const nullProto = Object.assign(Object.create(null), { fields: ["name"], limit: 5 })

const hostile: ReadonlyArray<unknown> = [
  undefined,
  null,
  0,
  "",
  [],
  throwing,
  cyclic,
  nullProto,
  Object.create(null),
  { fields: throwing },
  { filtering: throwing },
  { filtering: [throwing] },
  { expand: throwing },
  { expand: { phone_numbers: throwing } },
  { checkpoint: throwing },
  { fields: "name" },
  { limit: 2n },
  { fields: Array(100_000).fill("name") },
  { filtering: { field: "creation_time", operator: "GREATER_THAN", value: new Date(8.64e15 + 1) } }
]

const calls: ReadonlyArray<readonly [string, (id: unknown, options: unknown) => unknown]> = [
  ["OwnedAccounts.stream", (id, o) => Stream.runDrain(OwnedAccounts.stream(id as any, o as any))],
  ["OwnedAccounts.pages", (id, o) => Stream.runDrain(OwnedAccounts.pages(id as any, o as any))],
  ["OwnedAccounts.all", (id, o) => OwnedAccounts.all(id as any, o as any)],
  ["OwnedAccounts.validate", (id, o) => Effect.sync(() => OwnedAccounts.validate(id as any, o as any))],
  ["ClientAccounts.stream", (id, o) => Stream.runDrain(ClientAccounts.stream(id as any, o as any))],
  ["PhoneNumbers.stream", (id, o) => Stream.runDrain(PhoneNumbers.stream(id as any, o as any))],
  ["WhatsAppBusinessAccount.get", (id, o) => WhatsAppBusinessAccount.get(id as any, o as any)],
  ["ManagedAccounts.all", (id, o) => ManagedAccounts.all(id as any, o as any)],
  ["ManagedAccounts.stream", (id, o) => Stream.runDrain(ManagedAccounts.stream([id] as any, o as any))],
  ["Filter.validate", (_, o) => Effect.sync(() => Filter.validate(o))],
  ["Filter.toWire", (_, o) => Effect.sync(() => Filter.toWire(OwnedAccounts.edge, o as any))],
  ["Filter.creationTime.greaterThan", (_, o) => Effect.sync(() => Filter.creationTime.greaterThan(o as any))],
  ["GraphPaging.checkpointToken", (_, o) => Effect.sync(() => GraphPaging.checkpointToken(o as any))],
  ["GraphPaging.parseCheckpointToken", (_, o) => Effect.sync(() => GraphPaging.parseCheckpointToken(o as any))]
]

const settle = (name: string, run: () => unknown) =>
  Effect.gen(function*() {
    let returned: unknown
    expect(() => {
      returned = run()
    }, name).not.toThrow()
    if (!Effect.isEffect(returned)) return
    const exit = yield* Effect.exit(returned as Effect.Effect<unknown, unknown, GraphClient.GraphClient>)
    if (Exit.isFailure(exit)) {
      // A typed failure, never a defect or an interruption.
      expect(Chunk.toReadonlyArray(Cause.defects(exit.cause)), `${name}: ${Cause.pretty(exit.cause)}`).toEqual([])
      expect(Cause.isInterruptedOnly(exit.cause), name).toBe(false)
    }
  })

describe("hostile input never throws and never becomes a defect", () => {
  it.effect("table: every public read and helper, every hostile value, as id and as options", () =>
    Effect.gen(function*() {
      for (const [name, call] of calls) {
        for (const [i, value] of hostile.entries()) {
          yield* settle(`${name} options #${i}`, () => call("1234567890", value))
          yield* settle(`${name} id #${i}`, () => call(value, {}))
        }
      }
    }).pipe(Effect.provide(Graph)))

  it.effect("table: the fan-out's own options, hostile", () =>
    Effect.gen(function*() {
      const fanOut: ReadonlyArray<unknown> = [
        { done: throwing },
        { done: [throwing] },
        { done: new Set([1]) },
        { done: Array(100_000).fill("1234567890") },
        { onProgress: throwing },
        { onProgress: "report" },
        { edges: throwing },
        { edges: [throwing] },
        { concurrency: 2n },
        { failFast: throwing }
      ]
      const reads: ReadonlyArray<readonly [string, (options: unknown) => unknown]> = [
        ["ManagedAccounts.stream", (o) => Stream.runDrain(ManagedAccounts.stream(["1234567890"], o as any))],
        ["ManagedAccounts.sightings", (o) => Stream.runDrain(ManagedAccounts.sightings(["1234567890"], o as any))],
        ["ManagedAccounts.all", (o) => ManagedAccounts.all(["1234567890"], o as any)]
      ]
      for (const [i, options] of fanOut.entries()) {
        for (const [name, read] of reads) yield* settle(`${name} fan-out options #${i}`, () => read(options))
      }
    }).pipe(Effect.provide(Graph)))

  it.effect("property: anything fast-check can make", () =>
    Effect.gen(function*() {
      const samples = FastCheck.sample(
        FastCheck.anything({ withNullPrototype: true, withDate: true, withMap: true }),
        300
      )
      for (const value of samples) {
        for (const [name, call] of calls) yield* settle(name, () => call("1234567890", value))
      }
    }).pipe(Effect.provide(Graph)))
})
