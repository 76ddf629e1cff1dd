/**
 * What `waba emulator` does: build the emulator its flags describe, serve it on loopback, print one JSON
 * line (everything a program needs to use it, and the command line that serves the same data again), and
 * wait to be stopped.
 */
import * as Emulator from "@effect-waba/emulator/Emulator"
import * as EmulatorServer from "@effect-waba/emulator/EmulatorServer"
import type * as Faults from "@effect-waba/emulator/Faults"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as CommandError from "./CommandError.js"
import type { EmulatorInput } from "./CommandLine.js"
import { Output } from "./Output.js"
import { UsageError } from "./UsageError.js"

const inRange = (name: string, value: number, min: number, max: number): Either.Either<number, UsageError> =>
  Number.isFinite(value) && value >= min && value <= max
    ? Either.right(value)
    : Either.left(new UsageError({ message: `--${name} must be from ${min} to ${max}; got ${value}.` }))

const faults: Record<EmulatorInput["faultKind"], Faults.Fault> = {
  "graph-error": { kind: "graphError", code: 2 },
  "http-error": { kind: "httpError", status: 503 },
  reset: { kind: "reset" },
  truncated: { kind: "truncated" },
  "non-json": { kind: "nonJson" }
}

/** The seed as the emulator takes it: digits are a number, anything else a word. */
const seedOf = (text: string): number | string => /^\d{1,15}$/.test(text) ? Number(text) : text

const options = (input: EmulatorInput): Either.Either<Emulator.Options, UsageError> =>
  Either.gen(function*() {
    const rules: Array<Faults.Rule> = []
    if (input.faultRate !== undefined) {
      const rate = yield* inRange("fault-rate", input.faultRate, 0, 1)
      if (rate > 0) rules.push({ ...faults[input.faultKind], when: { rate } })
    }
    if (input.latency !== undefined || input.latencyJitter !== undefined) {
      const ms = yield* inRange("latency", input.latency ?? 0, 0, 600_000)
      const jitterMs = yield* inRange("latency-jitter", input.latencyJitter ?? 0, 0, 600_000)
      rules.push({ kind: "latency", ms, jitterMs, when: { rate: 1 } })
    }
    const businesses = yield* inRange("businesses", input.businesses ?? 1, 1, 1000)
    const accounts = yield* inRange("accounts", input.accounts ?? 25, 0, 10_000_000)
    const rateLimit = input.rateLimit === undefined ? undefined : yield* inRange("rate-limit", input.rateLimit, 0, 1e9)
    return {
      ...(input.seed === undefined ? {} : { seed: seedOf(input.seed) }),
      ...(input.businesses === undefined && input.accounts === undefined
        ? {}
        : { businesses, accountsPerBusiness: accounts }),
      ...(rateLimit === undefined ? {} : { rateLimit: rateLimit === 0 ? false : { businessCalls: rateLimit } }),
      requireAppSecretProof: input.requireAppsecretProof,
      quirks: { filterAfterPaging: input.filterAfterPaging },
      faults: rules
    }
  })

// Quoted for a POSIX shell when it holds anything but the characters that need no quoting.
const shellWord = (word: string): string =>
  /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`

/**
 * The `waba emulator` command line that serves the same data and behaves the same way: every option given
 * (each named after its input's key), but the port, which a second run may not get.
 */
const reproduce = (input: EmulatorInput): string => {
  const given = { ...input, port: undefined, faultKind: input.faultRate === undefined ? undefined : input.faultKind }
  return [
    "waba emulator",
    ...Object.entries(given).flatMap(([key, value]) => {
      const flag = `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`
      return value === undefined || value === false ? [] : value === true ? [flag] : [flag, shellWord(String(value))]
    })
  ].join(" ")
}

export const run = (input: EmulatorInput): Effect.Effect<void, CommandError.CommandError, Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    const port = yield* inRange("port", input.port, 0, 65535)
    const settings = yield* options(input)
    const emulator = yield* Effect.try({
      try: () => Emulator.unsafeMake(settings),
      catch: (error) => new UsageError({ message: error instanceof Error ? error.message : String(error) })
    })
    const server = yield* EmulatorServer.make({ port }).pipe(Effect.provideService(Emulator.Emulator, emulator))
    const command = reproduce(input)
    const info = {
      url: server.url,
      token: emulator.token,
      businessIds: emulator.businessIds,
      businesses: emulator.dataset.businesses.map(({ accounts, id, name }) => ({ id, name, accounts })),
      appSecret: emulator.appSecret,
      expiredToken: Emulator.expiredToken,
      limitedToken: Emulator.limitedToken,
      ...(input.seed === undefined ? {} : { seed: seedOf(input.seed) }),
      command,
      env: { GRAPH_BASE_URL: server.url, GRAPH_ACCESS_TOKEN: emulator.token }
    }
    yield* output.stdout.write(`${JSON.stringify(info)}\n`)
    if (output.stderr.isTTY) {
      yield* Effect.ignore(output.stderr.write(
        `waba: emulator listening on ${server.url} (the same data again: ${command}); press Ctrl-C to stop.\n`
      ))
    }
    return yield* Effect.never
  }).pipe(
    Effect.scoped,
    // Whoever was to read the line has gone: nobody can use the server.
    Effect.catchTag("BrokenPipe", () => Effect.void),
    Effect.mapError((error) => CommandError.make(error))
  )
