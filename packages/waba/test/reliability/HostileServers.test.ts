/**
 * Issue 14's hostile servers, through the public read API: cursor cycles of every length, stalled
 * cursors, 20,000-deep nesting, a 5 MB junk value, a 40 MiB body, nulls, and every secret echoed in every
 * field. Each read ends with the right accounts or a typed error, in few requests, with no duplicate, no
 * defect and no secret in any rendering. The figures are printed for docs/reliability.md.
 */
import { Testing } from "@effect-waba/emulator"
import { OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Inspectable from "effect/Inspectable"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const business = "1234567890"
const figures: Array<string> = []

interface Outcome {
  readonly delivered: ReadonlyArray<string>
  readonly error: { readonly _tag: string; readonly message: string } | undefined
  readonly requests: number
}

/** Reads every account from a scripted server (retries on, clock driven), collecting what arrived. */
const read = (
  reply: (seen: Testing.Seen, index: number) => Testing.Reply,
  config: Testing.ConfigOverrides = {}
) =>
  Effect.gen(function*() {
    const { layer, seen } = Testing.scriptedClient(reply, { retry: { jitter: false }, ...config })
    const delivered: Array<string> = []
    const fiber = yield* Effect.fork(
      OwnedAccounts.stream(business, { limit: 2 }).pipe(
        Stream.runForEach((account) => Effect.sync(() => delivered.push(account.id))),
        Effect.provide(layer),
        Effect.exit
      )
    )
    yield* TestClock.adjust("1 hour")
    const exit = yield* Fiber.join(fiber)
    if (Exit.isFailure(exit)) {
      // Always a typed failure: never a defect, never an interruption.
      expect(Chunk.toReadonlyArray(Cause.defects(exit.cause))).toEqual([])
      expect(Cause.isInterruptedOnly(exit.cause)).toBe(false)
    }
    const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) as Outcome["error"] : undefined
    return { delivered, error, requests: seen.length } satisfies Outcome
  })

/** A server whose page for cursor `c` (the first page for no cursor) is `pages[c]`. */
const cursors =
  (pages: Record<string, { readonly ids: ReadonlyArray<string>; readonly next?: string }>) =>
  (seen: Testing.Seen): Testing.Reply => {
    const page = pages[seen.url.searchParams.get("after") ?? ""]!
    return Testing.page(
      page.ids,
      page.next === undefined ? undefined : `https://graph.facebook.com/x?after=${page.next}`
    )
  }

const renderings = (value: unknown): string =>
  [
    String(value),
    (value as Error).message,
    JSON.stringify(value),
    Inspectable.format(value),
    Cause.pretty(Cause.fail(value))
  ].join("\n")

describe("hostile servers, through OwnedAccounts.stream", () => {
  for (const length of [1, 2, 3, 5]) {
    it.effect(`a cursor cycle of length ${length} ends the read; every account arrives once`, () =>
      Effect.gen(function*() {
        // p0 -> c1 -> c2 -> ... -> c<length> -> back to c1.
        const pages: Record<string, { ids: Array<string>; next?: string }> = { "": { ids: ["1", "2"], next: "c1" } }
        for (let i = 1; i <= length; i++) {
          pages[`c${i}`] = { ids: [`${i}1`, `${i}2`], next: i === length ? "c1" : `c${i + 1}` }
        }
        const outcome = yield* read(cursors(pages))
        expect(outcome.error?._tag).toBe("GraphPagingError")
        expect(new Set(outcome.delivered).size).toBe(outcome.delivered.length)
        expect(outcome.delivered).toHaveLength(2 * (length + 1))
        expect(outcome.requests).toBe(length + 1)
        figures.push(
          `cycle of ${length}: GraphPagingError after ${outcome.requests} requests, ` +
            `${outcome.delivered.length} accounts, 0 duplicates`
        )
      }))
  }

  it.effect("a server that always answers with the cursor it was given: stopped after the first repeat", () =>
    Effect.gen(function*() {
      const outcome = yield* read((seen) =>
        Testing.page([`x${seen.url.searchParams.get("after") ?? ""}`], "https://graph.facebook.com/x?after=same")
      )
      expect(outcome.error?._tag).toBe("GraphPagingError")
      expect(outcome.requests).toBe(2)
      expect(outcome.delivered).toEqual(["x", "xsame"])
      figures.push(`stalled cursor: GraphPagingError after ${outcome.requests} requests, 0 duplicates`)
    }))

  it.effect("20,000-deep nesting in an account: a short GraphDecodeError, one request", () =>
    Effect.gen(function*() {
      const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`
      const outcome = yield* read(() => ({ raw: `{"data":[{"id":"1","name":${deep}}]}` }))
      expect(outcome.error?._tag).toBe("GraphDecodeError")
      expect(outcome.error!.message.length).toBeLessThan(400)
      expect(outcome.requests).toBe(1)
      figures.push(
        `20,000-deep nesting: ${outcome.error!._tag}, message ${outcome.error!.message.length} characters, ` +
          `${outcome.requests} request`
      )
    }))

  it.effect("a 5 MB junk value where a number belongs: a decode error of a few hundred characters", () =>
    Effect.gen(function*() {
      const junk = "x".repeat(5 * 1024 * 1024)
      const { layer, seen } = Testing.scriptedClient(() => ({
        body: { data: [{ id: "1", creation_time: junk }] }
      }), { retry: false })
      const error = yield* Effect.flip(
        OwnedAccounts.all(business, { fields: ["creation_time"] }).pipe(Effect.provide(layer))
      )
      expect(error._tag).toBe("GraphDecodeError")
      expect(error.message.length).toBeLessThan(600)
      expect(renderings(error).length).toBeLessThan(20_000)
      expect(seen).toHaveLength(1)
      figures.push(`5 MB junk value: ${error._tag}, message ${error.message.length} characters`)
    }))

  it.effect("a 40 MiB body: GraphTransportError TooLarge, not retried", () =>
    Effect.gen(function*() {
      const big = `{"data":[{"id":"1","name":"${"y".repeat(40 * 1024 * 1024)}"}]}`
      const outcome = yield* read(() => ({ raw: big }))
      expect(outcome.error).toMatchObject({ _tag: "GraphTransportError", reason: "TooLarge" })
      expect(outcome.requests).toBe(1)
      figures.push(`40 MiB body: GraphTransportError (TooLarge), ${outcome.requests} request, not retried`)
    }))

  it.effect("nulls anywhere: the accounts, with null read as absent", () =>
    Effect.gen(function*() {
      const { layer } = Testing.scriptedClient(() => ({
        body: {
          data: [
            { id: "1", name: null, health_status: { can_send_message: null, entities: null } },
            null,
            { id: "2", name: "Two", owner_business_info: { id: null, name: "Acme" } }
          ],
          paging: { cursors: null, next: null }
        }
      }))
      const accounts = yield* OwnedAccounts.all(business, { fields: ["name", "health_status", "owner_business_info"] })
        .pipe(Effect.provide(layer))
      expect(accounts).toEqual([
        { id: "1", health_status: {} },
        { id: "2", name: "Two", owner_business_info: { name: "Acme" } }
      ])
      figures.push("nulls in every position: the 2 accounts, nulls read as absent")
    }))

  for (const mode of ["plain", "timed"] as const) {
    it.effect(`every secret echoed in every field, a header and a link (${mode} proof): none in any rendering`, () =>
      Effect.gen(function*() {
        const token = Testing.token
        const secret = Testing.appSecret
        const sent: Array<string> = []
        // The server echoes what it received: the proof (and its time) from the query, plus the token and
        // the secret, in every string field of the error, in headers and in the next link.
        const server = Testing.scriptedClient((seen, index) => {
          const proof = seen.url.searchParams.get("appsecret_proof") ?? ""
          sent.push(proof)
          const echo = [token, secret, proof, seen.headers.authorization ?? ""].join(" ")
          return index === 0
            ? {
              body: {
                data: [{ id: "1", name: "ok" }],
                paging: {
                  cursors: { after: "a1" },
                  next: `https://graph.facebook.com/v27.0/1/owned?access_token=${token}&appsecret_proof=${proof}` +
                    `&x=${secret}&after=a1`
                }
              },
              headers: { "x-fb-trace-id": echo }
            }
            : Testing.graphError(
              {
                message: `bad ${echo}`,
                type: echo,
                code: 100,
                error_subcode: 33,
                error_user_title: echo,
                error_user_msg: echo,
                fbtrace_id: echo,
                error_data: { echoed: echo, nested: [echo] }
              },
              400,
              { "www-authenticate": echo, "x-fb-trace-id": echo }
            )
        }, { appSecret: secret, appSecretProof: mode, retry: false })
        const pages: Array<unknown> = []
        const error = yield* OwnedAccounts.pages(business).pipe(
          Stream.runForEach((page) => Effect.sync(() => pages.push(page))),
          Effect.provide(server.layer),
          Effect.flip
        )
        expect(error._tag).toBe("GraphNotFoundError")
        const secrets = [token, secret, ...sent]
        expect(sent.every((proof) => proof.length === 64)).toBe(true)
        const text = [renderings(error), ...pages.map(renderings)].join("\n")
        for (const value of secrets) expect(text).not.toContain(value)
        figures.push(
          `secrets echoed in message, type, user title/msg, fbtrace id, error_data, headers and links ` +
            `(${mode} proof): 0 of ${secrets.length} found in ${text.length.toLocaleString("en-US")} characters`
        )
      }))
  }

  it("figures", () => {
    expect(figures.length).toBeGreaterThanOrEqual(10)
    console.log(`hostile servers:\n  ${figures.join("\n  ")}`)
  })
})
