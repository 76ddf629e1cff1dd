import { Testing } from "@effect-waba/emulator"
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"

const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })
const PROOF = createHmac("sha256", Testing.appSecret).update(Testing.token).digest("hex")

const owned = GraphClient.get({
  route: "/{business-id}/owned_whatsapp_business_accounts",
  params: { "business-id": "1234567890" },
  schema: Page,
  usageKey: "1234567890"
})

describe("secrets", () => {
  it.effect("never appear in errors, logs, spans or URLs across a run with failures", () => {
    // The server misbehaves: it echoes the token and proof back in messages and bodies.
    const replies = [
      { network: `connect ECONNRESET while sending Bearer ${Testing.token}` },
      Testing.graphError({ message: `(#1) transient, token=${Testing.token}`, code: 1 }, 500),
      { raw: `<html>${Testing.token} ${PROOF}</html>`, status: 502 },
      Testing.page(["1"]),
      Testing.graphError({
        message: `Error validating access token ${Testing.token}: expired`,
        code: 190,
        error_subcode: 463
      }, 401),
      { body: { data: [{ id: 1, secret: Testing.appSecret }] } }
    ] as const
    const { layer, seen } = Testing.scriptedClient((_, i) => replies[Math.min(i, replies.length - 1)]!, {
      appSecret: Testing.appSecret
    })
    const recorder = Testing.recorder()
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Effect.all([owned, Effect.flip(owned), Effect.flip(owned)]).pipe(recorder.run)
      )
      yield* TestClock.adjust("1 hour")
      const [response, authError, decodeError] = yield* Fiber.join(fiber)
      expect(response.attempts).toBe(4)
      expect(authError._tag).toBe("GraphAuthError")
      expect(decodeError._tag).toBe("GraphDecodeError")

      const everything = [
        recorder.dump(),
        Testing.everyRendering(authError),
        Testing.everyRendering(decodeError),
        seen.map((s) => s.url.toString()).join("\n")
      ].join("\n")
      expect(everything).not.toContain(Testing.token)
      expect(everything).not.toContain(Testing.appSecret)
      // The proof has to travel in the query string (Graph takes it nowhere else), but it must not be
      // recorded anywhere else.
      expect([recorder.dump(), Testing.everyRendering(authError), Testing.everyRendering(decodeError)].join("\n")).not
        .toContain(PROOF)
      expect(authError.message).toContain("<redacted>")

      // The telemetry is there, and useful: one span per logical request, named by the route template.
      const names = recorder.spans.map((s) => s.name)
      expect(names).toEqual(Array(3).fill("GET /{business-id}/owned_whatsapp_business_accounts"))
      expect(recorder.spans[0]!.attributes.get("graph.retry_count")).toBe(3)
      expect(recorder.spans[0]!.events.filter((e) => e.name === "graph.retry")).toHaveLength(3)
      expect(recorder.logs.filter((l) => l.message.includes("retrying"))).toHaveLength(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("the span carries the fbtrace id and retry count, never the concrete URL", () => {
    const { layer } = Testing.scriptedClient(
      () => ({ body: { data: [] }, headers: { "x-fb-trace-id": "FbTrace42" } }),
      {
        appSecret: Testing.appSecret
      }
    )
    const recorder = Testing.recorder()
    return Effect.gen(function*() {
      yield* owned.pipe(recorder.run)
      const [span] = recorder.spans
      expect(span!.name).toBe("GET /{business-id}/owned_whatsapp_business_accounts")
      expect(span!.attributes.get("graph.fbtrace_id")).toBe("FbTrace42")
      expect(span!.attributes.get("graph.retry_count")).toBe(0)
      expect(span!.attributes.get("graph.route")).toBe("/{business-id}/owned_whatsapp_business_accounts")
      expect(recorder.dump()).not.toContain("1234567890/owned")
      expect(recorder.dump()).not.toContain(PROOF)
    }).pipe(Effect.provide(layer))
  })

  for (const mode of ["plain", "timed"] as const) {
    it.effect(`a server echoing every secret (${mode} proof) in every field leaks none of them`, () => {
      let sentProof = ""
      const echo = (proof: string) =>
        `t=${Testing.token} s=${Testing.appSecret} p=${proof} ${encodeURIComponent(Testing.token)}`
      const headersFor = (proof: string) => ({
        "x-fb-trace-id": echo(proof),
        "facebook-api-version": echo(proof),
        "x-business-use-case-usage": JSON.stringify({ [Testing.token]: [{ type: proof, call_count: 1 }] })
      })
      const { layer } = Testing.scriptedClient((seen, i) => {
        sentProof = seen.url.searchParams.get("appsecret_proof") ?? ""
        const text = echo(sentProof)
        return i === 0
          ? {
            body: {
              data: [{ id: "1" }],
              paging: {
                next: `https://graph.facebook.com/v27.0/1/x?t=${Testing.token}&appsecret_proof=${sentProof}&after=a`
              }
            },
            headers: headersFor(sentProof)
          }
          : Testing.graphError(
            {
              message: text,
              type: text,
              code: 190,
              error_user_title: text,
              error_user_msg: text,
              fbtrace_id: text,
              error_data: i === 1 ? { [text]: [text, { deeper: text }] } : JSON.stringify({ echo: text })
            },
            401,
            headersFor(sentProof)
          )
      }, { appSecret: Testing.appSecret, appSecretProof: mode })
      const recorder = Testing.recorder()
      const EchoPage = Schema.Struct({
        data: Schema.Array(Schema.Struct({ id: Schema.String })),
        paging: Schema.Struct({ next: Schema.String })
      })
      const read = GraphClient.get({
        route: "/{business-id}/owned_whatsapp_business_accounts",
        params: { "business-id": "1234567890" },
        schema: EchoPage,
        usageKey: "1234567890"
      })
      return Effect.gen(function*() {
        const response = yield* read.pipe(recorder.run)
        const proofs = [sentProof]
        const first = yield* Effect.flip(read).pipe(recorder.run)
        proofs.push(sentProof)
        const second = yield* Effect.flip(read).pipe(recorder.run)
        proofs.push(sentProof)
        expect(first._tag).toBe("GraphAuthError")
        expect(second._tag).toBe("GraphAuthError")
        expect(response.body.paging.next).toContain("after=a")
        const everything = [
          JSON.stringify(response),
          String(response.fbtraceId),
          String(response.apiVersion),
          Testing.everyRendering(first),
          Testing.everyRendering(second),
          recorder.dump()
        ].join("\n")
        for (const secret of [Testing.token, encodeURIComponent(Testing.token), Testing.appSecret, PROOF, ...proofs]) {
          expect(secret.length).toBeGreaterThan(8)
          expect(everything).not.toContain(secret)
        }
        expect(everything).toContain("<redacted>")
      }).pipe(Effect.provide(layer))
    })
  }

  it.effect("a base URL carrying a token, in any form, is never echoed by the config error", () =>
    Effect.gen(function*() {
      for (
        const baseUrl of [
          `https://graph.facebook.com/?access_token=${Testing.token}`,
          `https://user:${Testing.token}@graph.facebook.com`,
          `graph.facebook.com?access_token=${Testing.token}`,
          `ftp://graph.facebook.com/${Testing.token}`,
          `http://graph.facebook.com/#${Testing.token}`
        ]
      ) {
        const error = yield* Effect.flip(
          Effect.provide(GraphConfig.GraphConfig, GraphConfig.layer({ accessToken: Testing.token, baseUrl }))
        )
        expect(error.setting).toBe("baseUrl")
        expect(Testing.everyRendering(error)).not.toContain(Testing.token)
      }
      const pasted = yield* Effect.flip(
        Effect.provide(
          GraphConfig.GraphConfig,
          GraphConfig.layer({ accessToken: Testing.token, apiVersion: Testing.token })
        )
      )
      expect(pasted.setting).toBe("apiVersion")
      expect(Testing.everyRendering(pasted)).not.toContain(Testing.token)
    }))

  it.effect("config and settings print without secrets", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.provide(
          GraphConfig.GraphConfig,
          GraphConfig.layer({ accessToken: Testing.token, appSecret: Testing.appSecret })
        )
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      const printed = [String(exit), JSON.stringify(exit), Inspectable.format(exit)].join("\n")
      expect(printed).not.toContain(Testing.token)
      expect(printed).not.toContain(Testing.appSecret)
      const layerError = yield* Effect.flip(
        Layer.build(GraphConfig.layer({ accessToken: `${Testing.token} with space`, appSecret: Testing.appSecret }))
          .pipe(Effect.scoped)
      )
      expect(Testing.everyRendering(layerError)).not.toContain(Testing.token)
    }))
})
