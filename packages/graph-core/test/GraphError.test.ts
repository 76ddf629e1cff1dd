import { Testing } from "@effect-waba/emulator"
import type { GraphError } from "@effect-waba/graph-core"
import { GraphClient, GraphError as GraphErrors, InvalidRequestError } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })

const failWith = (reply: Testing.Reply) => {
  const { layer } = Testing.scriptedClient(() => reply, { retry: false })
  return GraphClient.get({
    route: "/{business-id}/owned_whatsapp_business_accounts",
    params: { "business-id": "1234567890" },
    schema: Page
  }).pipe(Effect.flip, Effect.provide(layer))
}

// Each code's tag (the table of every code the issue and FACTS name) is in the behaviour scenarios both lines
// run: `errorKinds` in checks/behaviour/scenarios.ts.
describe("GraphError classification", () => {
  it.effect("190 keeps every re-auth subcode", () =>
    Effect.gen(function*() {
      for (const subcode of [458, 459, 460, 463, 464, 467, 492]) {
        const error = yield* failWith(Testing.graphError({ message: "token", code: 190, error_subcode: subcode }))
        expect(error).toMatchObject({ _tag: "GraphAuthError", code: 190, subcode })
      }
    }))

  it.effect("is_transient decides for a code not classed otherwise, but not over a rate limit", () =>
    Effect.gen(function*() {
      const unknown = yield* failWith(Testing.graphError({ message: "x", code: 9007, is_transient: true }))
      expect(unknown).toMatchObject({ _tag: "GraphTransientError", isTransient: true })
      const throttled = yield* failWith(Testing.graphError({ message: "x", code: 4, is_transient: true }, 429))
      expect(throttled._tag).toBe("GraphRateLimitError")
    }))

  it.effect("a 200 body that holds an error is an error", () =>
    Effect.gen(function*() {
      const error = yield* failWith({
        status: 200,
        body: { error: { message: "Hidden", code: 100, type: "OAuthException" } }
      })
      expect(error).toMatchObject({ _tag: "GraphInvalidParameterError", httpStatus: 200 })
    }))

  it.effect("error_data is kept as an object, or parsed when it arrives as a JSON string", () =>
    Effect.gen(function*() {
      const asObject = yield* failWith(
        Testing.graphError({ message: "x", code: 100, error_data: { blame_field_specs: [["fields"]] } })
      )
      expect("errorData" in asObject && asObject.errorData).toEqual({ blame_field_specs: [["fields"]] })
      const asString = yield* failWith(
        Testing.graphError({
          message: "x",
          code: 100,
          error_data: "{\"messaging_product\":\"whatsapp\",\"details\":\"d\"}"
        })
      )
      expect("errorData" in asString && asString.errorData).toEqual({ messaging_product: "whatsapp", details: "d" })
      const notJson = yield* failWith(Testing.graphError({ message: "x", code: 100, error_data: "plain words" }))
      expect("errorData" in notJson && notJson.errorData).toBe("plain words")
    }))

  it.effect("every member carries the family's TypeId; look-alikes and local refusals are not Graph errors", () =>
    Effect.gen(function*() {
      const errors = [
        yield* failWith(Testing.graphError({ message: "x", code: 80008 })),
        yield* failWith(Testing.graphError({ message: "x", code: 0 })),
        yield* failWith(Testing.graphError({ message: "x", code: 100, error_subcode: 33 })),
        yield* failWith(Testing.graphError({ message: "x", code: 9999 })),
        yield* failWith({ status: 502, raw: "<html>" }),
        yield* failWith({ body: { data: "no" } })
      ]
      for (const error of errors) {
        expect(GraphErrors.isGraphError(error)).toBe(true)
        expect(GraphErrors.isGraphError(error) && error[GraphErrors.TypeId]).toBe(GraphErrors.TypeId)
      }
      expect(errors.map((e) => GraphErrors.isGraphResponseError(e))).toEqual([true, true, true, true, false, false])
      expect(GraphErrors.isGraphError({ _tag: "GraphAuthError", code: 190 })).toBe(false)
      expect(GraphErrors.isGraphError(new InvalidRequestError({ parameter: "x", message: "y" }))).toBe(false)
    }))

  it.effect("null fields read as absent; an error without a code is a GraphApiError without one, not -1", () =>
    Effect.gen(function*() {
      const nulls = yield* failWith(Testing.graphError({
        message: "x",
        code: 190,
        error_subcode: null,
        fbtrace_id: null,
        error_user_msg: null,
        is_transient: null
      }))
      expect(nulls).toMatchObject({ _tag: "GraphAuthError", code: 190, isTransient: false })
      expect("subcode" in nulls).toBe(false)
      const noCode = yield* failWith(Testing.graphError({ message: "Something went wrong" }))
      expect(noCode._tag).toBe("GraphApiError")
      expect("code" in noCode).toBe(false)
      expect(JSON.stringify(noCode)).not.toContain("-1")
    }))

  it.effect("codes sent as numeric strings still classify; an unreadable error body is still an error", () =>
    Effect.gen(function*() {
      const stringly = yield* failWith(Testing.graphError({ message: "x", code: "190", error_subcode: "463" }))
      expect(stringly).toMatchObject({ _tag: "GraphAuthError", code: 190, subcode: 463 })
      const garbage = yield* failWith({ status: 400, body: { error: "nope" } })
      expect(garbage._tag).toBe("GraphApiError")
      expect(garbage.message).toContain("could not be read")
    }))

  // The error examples for this edge in Meta's OpenAPI spec (Business Messaging API v23.0,
  // GET /{Version}/{Business-ID}/owned_whatsapp_business_accounts), status and body as given there.
  const trace = "AXsgnV2Cm3ZMGF3dF_cfYIn"
  const specExamples: ReadonlyArray<readonly [number, Record<string, unknown>, GraphError.GraphError["_tag"]]> = [
    [400, {
      message: "Invalid parameter: business_id must be a valid numeric string",
      type: "OAuthException",
      code: 100,
      fbtrace_id: trace
    }, "GraphInvalidParameterError"],
    [401, {
      message: "Invalid OAuth access token",
      type: "OAuthException",
      code: 190,
      error_subcode: 463,
      fbtrace_id: trace
    }, "GraphAuthError"],
    [403, {
      message: "Your app doesn't have permission to access this business's WhatsApp Business Accounts",
      type: "OAuthException",
      code: 200,
      error_subcode: 1349174,
      fbtrace_id: trace,
      error_user_title: "Permission Denied",
      error_user_msg: "Your app doesn't have permission to access this resource"
    }, "GraphPermissionError"],
    [
      404,
      { message: "Business not found", type: "GraphMethodException", code: 803, fbtrace_id: trace },
      "GraphNotFoundError"
    ],
    [422, {
      message: "The requested filter combination is not supported",
      type: "GraphMethodException",
      code: 100,
      fbtrace_id: trace
    }, "GraphInvalidParameterError"],
    [429, {
      message: "Application request limit reached",
      type: "OAuthException",
      code: 4,
      error_subcode: 2446079,
      fbtrace_id: trace,
      is_transient: true
    }, "GraphRateLimitError"],
    [500, {
      message: "An unexpected error occurred. Please retry your request",
      type: "GraphMethodException",
      code: 2,
      fbtrace_id: trace,
      is_transient: true
    }, "GraphTransientError"]
  ]

  describe("Meta's spec examples", () => {
    for (const [status, body, tag] of specExamples) {
      it.effect(`HTTP ${status}, code ${body.code} is ${tag} with every field kept`, () =>
        Effect.gen(function*() {
          const error = yield* failWith(Testing.graphError(body, status))
          expect(error._tag).toBe(tag)
          expect(error).toMatchObject({
            code: body.code,
            message: body.message,
            type: body.type,
            fbtraceId: trace,
            httpStatus: status,
            isTransient: body.is_transient === true,
            ...(body.error_subcode !== undefined ? { subcode: body.error_subcode } : {}),
            ...(body.error_user_title !== undefined ? { userTitle: body.error_user_title } : {}),
            ...(body.error_user_msg !== undefined ? { userMessage: body.error_user_msg } : {})
          })
        }))
    }

    it.effect("an id that cannot be seen: 100/33 GraphMethodException (FACTS)", () =>
      Effect.gen(function*() {
        const error = yield* failWith(Testing.graphError({
          message:
            "Unsupported get request. Object with ID '1234567890' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
          type: "GraphMethodException",
          code: 100,
          error_subcode: 33
        }))
        expect(error).toMatchObject({ _tag: "GraphNotFoundError", code: 100, subcode: 33 })
      }))
  })

  it.effect("a 5xx without a Graph body is a retryable transport error", () =>
    Effect.gen(function*() {
      const error = yield* failWith({ status: 503, body: { status: "unavailable" } })
      expect(error).toMatchObject({ _tag: "GraphTransportError", reason: "UnexpectedStatus", retryable: true })
    }))
})
