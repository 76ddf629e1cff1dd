/**
 * `Listing.run` over the emulator in memory: the events graph-core publishes during a read reach the
 * progress line and `--verbose`; a read that fails or is interrupted still writes what arrived and knows
 * where to continue.
 */
import { Emulator, EmulatorHttpClient } from "@effect-waba/emulator"
import { GraphClient, GraphConfig, GraphEvents } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as CommandError from "../src/CommandError.js"
import type * as ErrorReport from "../src/ErrorReport.js"
import type * as Format from "../src/Format.js"
import type * as GraphTarget from "../src/GraphTarget.js"
import * as Listing from "../src/Listing.js"
import * as Noun from "../src/Noun.js"
import * as Progress from "../src/Progress.js"
import { memoryOutput } from "./utils/output.js"

const emulator = Emulator.unsafeMake({ seed: "listing", businesses: [60] })
const businessId = emulator.businessIds[0]!

const target = (verbose: boolean): GraphTarget.Target => ({
  id: businessId,
  client: GraphClient.layer.pipe(
    Layer.provide(GraphConfig.layer({ accessToken: emulator.token, retry: { maxRetries: 0 } })),
    Layer.provide(EmulatorHttpClient.layer.pipe(Layer.provide(Layer.succeed(Emulator.Emulator, emulator))))
  ),
  context: { baseUrl: "the embedded emulator", businessId },
  secrets: [],
  verbose
})

const setup = (options: { readonly tty: boolean; readonly verbose?: boolean }) => {
  const output = memoryOutput({ stdoutIsTTY: false, stderrIsTTY: options.tty, columns: 200 })
  const layer = Progress.layer.pipe(Layer.provideMerge(output.layer))
  const listing = <E extends ErrorReport.CliError>(
    pages: Stream.Stream<OwnedAccounts.Page<Format.Row>, E, GraphClient.GraphClient>
  ) =>
    Listing.run({
      target: target(options.verbose ?? false),
      pages,
      rows: (page) => page.accounts,
      format: "jsonl",
      columns: ["id"],
      noun: Noun.accounts,
      max: undefined,
      after: undefined
    }).pipe(Effect.provide(layer))
  return { output, listing }
}

const pages = (limit: number) =>
  OwnedAccounts.pages(businessId, { limit }) as Stream.Stream<
    OwnedAccounts.Page<Format.Row>,
    OwnedAccounts.OwnedAccountsError,
    GraphClient.GraphClient
  >

const drawn = (stderr: string) => stderr.split("\r\x1b[2K").filter((line) => line !== "")

describe("Listing: graph-core's events", () => {
  it.effect("a hold published during the read is on the progress line, counting down, until the next page", () => {
    const { listing, output } = setup({ tty: true })
    // Before page 2 is delivered, the read is held for the rate budget, as the governor does: it publishes,
    // then waits.
    const held = pages(30).pipe(
      Stream.tap((page) =>
        page.number === 2
          ? GraphEvents.publish(
            GraphEvents.Held({ scope: businessId, reason: "pacing", wait: Duration.seconds(42), usagePercent: 96 })
          ).pipe(Effect.zipRight(Effect.sleep("42 seconds")))
          : Effect.void
      )
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(listing(held))
      yield* TestClock.adjust("2 seconds")
      const during = drawn(output.stderr())
      expect(during).toContain(
        `waba: 1 page, 30 accounts so far; waiting 42s for the rate budget of business ${businessId}`
      )
      expect(during.at(-1)).toBe(
        `waba: 1 page, 30 accounts so far; waiting 40s for the rate budget of business ${businessId}`
      )
      yield* TestClock.adjust("40 seconds")
      yield* Fiber.join(fiber)
      const lines = drawn(output.stderr())
      expect(lines.at(-1)).toBe("waba: 2 pages, 60 accounts so far")
      expect(output.stdout().trimEnd().split("\n")).toHaveLength(60)
    })
  })

  it.effect("--verbose prints each event as a plain line, also when stderr is not a terminal", () => {
    const { listing, output } = setup({ tty: false, verbose: true })
    const noisy = pages(60).pipe(
      Stream.tap(() =>
        Effect.all([
          GraphEvents.publish(GraphEvents.RetryScheduled({
            route: OwnedAccounts.route,
            attempt: 1,
            error: "GraphTransientError",
            code: 2,
            delay: Duration.millis(480)
          })),
          GraphEvents.publish(GraphEvents.Held({
            scope: businessId,
            reason: "regain",
            wait: Duration.minutes(3),
            usagePercent: 100
          }))
        ]).pipe(Effect.zipRight(Effect.sleep("1 second")))
      )
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(listing(noisy))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(output.stderr()).toBe(
        `waba: ${OwnedAccounts.route}: Graph had a temporary error (code 2), retrying in 480ms (attempt 2)\n` +
          `waba: waiting 3m for the rate budget of business ${businessId} (usage 100%, regain)\n`
      )
    })
  })

  it.effect("without --verbose, off a terminal, a long hold is said anyway: what it waits for and until when", () => {
    const { listing, output } = setup({ tty: false })
    const held = pages(30).pipe(
      Stream.tap((page) =>
        page.number === 2
          ? GraphEvents.publish(
            GraphEvents.Held({ scope: businessId, reason: "regain", wait: Duration.minutes(3), usagePercent: 100 })
          ).pipe(Effect.zipRight(Effect.sleep("3 minutes")))
          : Effect.void
      )
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(listing(held))
      yield* TestClock.adjust("1 second")
      expect(output.stderr()).toBe(
        `waba: paused until 1970-01-01T00:03:00Z: waiting 3m for the rate budget of business ${businessId} ` +
          "(usage 100%, the time Graph gave for access to return)\n"
      )
      yield* TestClock.adjust("3 minutes")
      yield* Fiber.join(fiber)
      expect(output.stdout().trimEnd().split("\n")).toHaveLength(60)
    })
  })

  it.effect("without --verbose, and off a terminal, events print nothing", () => {
    const { listing, output } = setup({ tty: false })
    const noisy = pages(60).pipe(
      Stream.tap(() =>
        GraphEvents.publish(
          GraphEvents.Held({ scope: "app", reason: "pacing", wait: Duration.seconds(1), usagePercent: 91 })
        )
      )
    )
    return Effect.gen(function*() {
      yield* listing(noisy)
      expect(output.stderr()).toBe("")
    })
  })
})

describe("Listing: how a read ends", () => {
  it.effect("an interrupted read says how many it wrote and where to continue: after the last page written", () => {
    const { listing, output } = setup({ tty: false })
    let firstPage: OwnedAccounts.Page<Format.Row> | undefined
    const slow = pages(25).pipe(
      Stream.tap((page) =>
        Effect.sync(() => {
          if (page.number === 1) firstPage = page
        }).pipe(Effect.zipRight(page.number === 2 ? Effect.never : Effect.void))
      )
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(listing(slow))
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      expect(output.stdout().trimEnd().split("\n")).toHaveLength(25)
      expect(output.stderr()).toBe(
        "waba: interrupted after 25 accounts. To continue where this stopped, run the same command with: " +
          `--after ${firstPage!.nextAfter}\n`
      )
    })
  })

  it.effect("a failed read writes what arrived and fails with how far the output got", () => {
    const { listing, output } = setup({ tty: false })
    const failing = pages(25).pipe(
      Stream.take(2),
      Stream.concat(Stream.fail(new GraphConfig.GraphConfigError({ setting: "timeout", message: "x" })))
    )
    return Effect.gen(function*() {
      const exit = yield* Effect.exit(listing(failing))
      expect(output.stdout().trimEnd().split("\n")).toHaveLength(50)
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        expect(error).toBeInstanceOf(CommandError.CommandError)
        expect(error?.written?.items).toBe(50)
        expect(error?.written?.after).toEqual(expect.any(String))
      }
    })
  })
})
