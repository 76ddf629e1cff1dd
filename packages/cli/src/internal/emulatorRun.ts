/**
 * What `waba emulator` does: build the emulator its flags describe, serve it on loopback, print one JSON
 * line, and wait to be stopped.
 *
 * @internal
 */
import * as Emulator from "@effect-waba/emulator/Emulator"
import * as EmulatorServer from "@effect-waba/emulator/EmulatorServer"
import type * as Faults from "@effect-waba/emulator/Faults"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as CommandError from "../CommandError.js"
import * as EmulatorCommand from "../EmulatorCommand.js"
import { Output } from "../Output.js"
import { UsageError } from "../UsageError.js"

const inRange = (name: string, value: number, min: number, max: number): Either.Either<number, UsageError> =>
  Number.isFinite(value) && value >= min && value <= max
    ? Either.right(value)
    : Either.left(new UsageError({ message: `--${name} must be from ${min} to ${max}; got ${value}.` }))

const faultOf = (kind: EmulatorCommand.FaultKind): Faults.Fault => {
  switch (kind) {
    case "graph-error":
      return { kind: "graphError", code: 2 }
    case "http-error":
      return { kind: "httpError", status: 503 }
    case "reset":
      return { kind: "reset" }
    case "truncated":
      return { kind: "truncated" }
    case "non-json":
      return { kind: "nonJson" }
  }
}

// The emulator options the flags describe.
const emulatorOptions = (input: EmulatorCommand.Input): Either.Either<Emulator.Options, UsageError> =>
  Either.gen(function*() {
    const rules: Array<Faults.Rule> = []
    if (Option.isSome(input.faultRate)) {
      const rate = yield* inRange("fault-rate", input.faultRate.value, 0, 1)
      if (rate > 0) rules.push({ ...faultOf(input.faultKind), when: { rate } })
    }
    if (Option.isSome(input.latency) || Option.isSome(input.latencyJitter)) {
      const ms = yield* inRange("latency", Option.getOrElse(input.latency, () => 0), 0, 600_000)
      const jitterMs = yield* inRange("latency-jitter", Option.getOrElse(input.latencyJitter, () => 0), 0, 600_000)
      rules.push({ kind: "latency", ms, jitterMs, when: { rate: 1 } })
    }
    const sized = Option.isSome(input.businesses) || Option.isSome(input.accounts)
    const businesses = yield* inRange("businesses", Option.getOrElse(input.businesses, () => 1), 1, 1000)
    const accounts = yield* inRange("accounts", Option.getOrElse(input.accounts, () => 25), 0, 10_000_000)
    const rateLimit = Option.isSome(input.rateLimit)
      ? yield* inRange("rate-limit", input.rateLimit.value, 0, 1_000_000_000)
      : undefined
    return {
      ...(Option.isSome(input.seed) ? { seed: EmulatorCommand.seedOf(input.seed.value) } : {}),
      ...(sized ? { businesses, accountsPerBusiness: accounts } : {}),
      ...(rateLimit === undefined ? {} : { rateLimit: rateLimit === 0 ? false : { businessCalls: rateLimit } }),
      requireAppSecretProof: input.requireAppsecretProof,
      quirks: { filterAfterPaging: input.filterAfterPaging },
      faults: rules
    }
  })

// The JSON line `waba emulator` prints: everything a program needs to use the server, the seed as it was
// given, and the command that serves the same data again.
const emulatorInfo = (emulator: Emulator.EmulatorService, url: string, input: EmulatorCommand.Input) => ({
  url,
  token: emulator.token,
  businessIds: emulator.businessIds,
  businesses: emulator.dataset.businesses.map((business) => ({
    id: business.id,
    name: business.name,
    accounts: business.accounts
  })),
  appSecret: emulator.appSecret,
  expiredToken: Emulator.expiredToken,
  limitedToken: Emulator.limitedToken,
  ...Option.match(input.seed, { onNone: () => ({}), onSome: (seed) => ({ seed: EmulatorCommand.seedOf(seed) }) }),
  command: EmulatorCommand.reproduce(input),
  env: { GRAPH_BASE_URL: url, GRAPH_ACCESS_TOKEN: emulator.token }
})

/** @internal */
export const run = (input: EmulatorCommand.Input): Effect.Effect<void, CommandError.CommandError, Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    const port = yield* inRange("port", input.port, 0, 65535)
    const options = yield* emulatorOptions(input)
    const emulator = yield* Effect.try({
      try: () => Emulator.unsafeMake(options),
      catch: (error) => new UsageError({ message: error instanceof Error ? error.message : String(error) })
    })
    const server = yield* EmulatorServer.make({ port }).pipe(Effect.provideService(Emulator.Emulator, emulator))
    const listened = yield* output.stdout.write(`${JSON.stringify(emulatorInfo(emulator, server.url, input))}\n`).pipe(
      Effect.as(true),
      // Whoever was to read the line has gone: nobody can use the server.
      Effect.catchTag("BrokenPipe", () => Effect.succeed(false))
    )
    if (!listened) return
    if (output.stderr.isTTY) {
      yield* Effect.ignore(output.stderr.write(
        `waba: emulator listening on ${server.url} (the same data again: ${
          EmulatorCommand.reproduce(input)
        }); press Ctrl-C to stop.\n`
      ))
    }
    return yield* Effect.never
  }).pipe(Effect.scoped, Effect.mapError((error) => CommandError.make(error)))
