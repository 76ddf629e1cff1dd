import { RateGovernor, RateGovernorStore } from "@effect-waba/graph-core"
import { RedisGovernorStore } from "@effect-waba/redis"
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import { type ChildProcess, spawn } from "node:child_process"
import * as net from "node:net"
import * as os from "node:os"
import { redisUrl, uniquePrefix } from "./utils/redisUrl.js"

// A Redis that goes away and comes back, on a loopback port of its own: the store must say so once per
// outage, let requests through meanwhile, and pick up again when Redis returns.

const freePort = Effect.async<number>((resume) => {
  const probe = net.createServer()
  probe.listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as net.AddressInfo
    probe.close(() => resume(Effect.succeed(port)))
  })
})

const servers: Array<ChildProcess> = []
afterEach(() => {
  for (const server of servers.splice(0)) server.kill("SIGKILL")
})

const startRedis = (port: number) =>
  Effect.sync(() => {
    const server = spawn(
      "redis-server",
      ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--dir", os.tmpdir()],
      { stdio: "ignore" }
    )
    servers.push(server)
    return server
  })

const stopRedis = (server: ChildProcess) =>
  Effect.async<void>((resume) => {
    server.once("exit", () => resume(Effect.void))
    server.kill("SIGTERM")
  })

/** Retries `check` on the real clock until it holds (Redis starting, ioredis reconnecting), at most 10 s. */
const eventually = <A, E>(attempt: Effect.Effect<A, E>, check: (either: Either.Either<A, E>) => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 200; i++) {
      const result = yield* Effect.either(attempt)
      if (check(result)) return result
      yield* Effect.sleep("50 millis")
    }
    return yield* Effect.dieMessage("the condition never held")
  })

describe.skipIf(redisUrl === undefined)("Redis store outages", () => {
  it.live("one line when Redis goes away, one when it is back; requests go through meanwhile; no stderr flood", () => {
    const lines: Array<{ level: string; message: string }> = []
    const collector = Logger.make(({ logLevel, message }) => {
      lines.push({ level: logLevel.label, message: Array.isArray(message) ? message.join(" ") : String(message) })
    })
    const stderr = vi.spyOn(console, "error")
    return Effect.gen(function*() {
      const port = yield* freePort
      const store = yield* RedisGovernorStore.make({
        host: "127.0.0.1",
        port,
        // Reconnect quickly, so that the test does not wait for ioredis's backoff.
        retryStrategy: () => 20,
        prefix: uniquePrefix("outage")
      })
      const governor = yield* RateGovernor.make().pipe(
        Effect.provideService(RateGovernorStore.RateGovernorStore, store)
      )
      const facts: RateGovernor.Facts = {
        usage: { businessUseCase: [{ businessId: "42", callCount: 95 }] },
        status: 200
      }

      // Nothing listens yet: every operation fails, at once, and the governor lets requests through.
      yield* eventually(store.read(["42"]), Either.isLeft)
      const failed = yield* Effect.forEach(Array.from({ length: 50 }), () => Effect.either(store.read(["42"])))
      expect(failed.every(Either.isLeft)).toBe(true)
      for (let i = 0; i < 20; i++) {
        yield* governor.acquire("42", Duration.minutes(1))
        yield* governor.observe("42", facts)
      }
      // Let ioredis fail to reconnect many more times.
      yield* Effect.sleep("300 millis")
      expect(lines.map((line) => line.level)).toEqual(["WARN"])
      expect(lines[0]!.message).toContain(`127.0.0.1:${port} cannot be reached`)

      // Redis comes up: the store picks up on its own, and says so once.
      const server = yield* startRedis(port)
      yield* eventually(store.read(["42"]), Either.isRight)
      yield* governor.observe("42", facts)
      const [known] = yield* store.read([RateGovernor.budgetScope("42")])
      expect(known).toMatchObject({ _tag: "Some", value: { usage: 95 } })
      expect(lines.map((line) => line.level)).toEqual(["WARN", "INFO"])
      expect(lines[1]!.message).toContain("is back")

      // It goes away again: one more line, however many requests fail meanwhile.
      yield* stopRedis(server)
      yield* eventually(store.read(["42"]), Either.isLeft)
      for (let i = 0; i < 20; i++) yield* governor.acquire("42", Duration.minutes(1))
      yield* Effect.sleep("300 millis")
      expect(lines.map((line) => line.level)).toEqual(["WARN", "INFO", "WARN"])

      const printed = stderr.mock.calls.map((args) => args.map(String).join(" "))
      expect(printed.filter((text) => text.includes("ioredis"))).toEqual([])
    }).pipe(
      Effect.scoped,
      Effect.provide(Logger.replace(Logger.defaultLogger, collector)),
      Effect.ensuring(Effect.sync(() => stderr.mockRestore()))
    )
  })
})
