import { GraphConfig, GraphError, GraphUsage, InvalidRequestError } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as CommandError from "../src/CommandError.js"
import * as ErrorReport from "../src/ErrorReport.js"
import * as FilterSyntax from "../src/FilterSyntax.js"
import { UsageError } from "../src/UsageError.js"

const route = "/{business-id}/owned_whatsapp_business_accounts"

const graphError = (body: GraphError.ErrorBody, extra: Partial<GraphError.ResponseContext> = {}) =>
  GraphError.fromErrorBody(body, {
    httpStatus: 400,
    route,
    usage: GraphUsage.unknown,
    attempts: 1,
    scrub: (text) => text,
    ...extra
  })

const render = (error: ErrorReport.CliError, context: ErrorReport.Context = {}) => {
  const report = ErrorReport.make(error, context)
  return { report, text: ErrorReport.format(report) }
}

describe("ErrorReport: Graph errors", () => {
  it("an expired token: what happened, code/subcode/fbtrace id, how to get a new system-user token; exit 3", () => {
    const { report, text } = render(graphError({
      code: 190,
      error_subcode: 463,
      type: "OAuthException",
      message: "Error validating access token: Session has expired on Tuesday.",
      fbtrace_id: "AbC12dEf"
    }, { httpStatus: 401 }))
    expect(report.exitCode).toBe(3)
    expect(text).toContain("waba: error: The access token has expired.")
    expect(text).toContain("Graph error 190, subcode 463, OAuthException, HTTP 401; fbtrace_id AbC12dEf")
    expect(text).toContain("Graph said: Error validating access token: Session has expired on Tuesday.")
    expect(text).toMatch(/What to do: Get a new token: .*System users.*Generate new token.*GRAPH_ACCESS_TOKEN/)
  })

  it("other token problems keep the new-token advice and exit 3", () => {
    for (
      const [code, subcode, title] of [
        [190, 460, /changed their password/],
        [190, undefined, /Graph rejected the access token/],
        [102, undefined, /session is invalid/]
      ] as const
    ) {
      const { report, text } = render(graphError({ code, error_subcode: subcode, message: "m" }))
      expect(report.exitCode).toBe(3)
      expect(text).toMatch(title)
      expect(text).toContain(ErrorReport.newTokenHelp)
    }
  })

  it("a missing permission names the permissions to grant; exit 3", () => {
    const { report, text } = render(graphError({
      code: 200,
      error_subcode: 1349174,
      message: "(#200) Permissions error",
      error_user_title: "Permission Denied",
      error_user_msg: "Your app cannot see this business."
    }, { httpStatus: 403 }))
    expect(report.exitCode).toBe(3)
    expect(text).toContain("permission error 200")
    expect(text).toContain("Meta's explanation: Permission Denied: Your app cannot see this business.")
    expect(text).toContain("whatsapp_business_management and business_management")
  })

  it("80008 says how long to wait, where to resume, and where the rate-limit docs are; exit 4", () => {
    const error = graphError({ code: 80008, message: "Too many calls" }, {
      regainAccess: Duration.minutes(59),
      attempts: 1
    })
    const report = ErrorReport.make(error)
    const resume = CommandError.resume({ after: "QVFIUmFfX2N1cnNvcg", items: 5, max: undefined })
    const text = ErrorReport.format(report, { resume })
    expect(report.exitCode).toBe(4)
    expect(text).toContain("WhatsApp Business Management's limit for this business (code 80008)")
    expect(text).toContain("Meta asks to wait about 59m before calling again.")
    expect(text).toContain("To continue where this stopped, run the same command with: --after QVFIUmFfX2N1cnNvcg\n")
    expect(text).toContain(ErrorReport.rateLimitDocs)
  })

  it("an unknown business (100/33 or 803) is a usage error naming the id", () => {
    for (const body of [{ code: 100, error_subcode: 33, message: "Unsupported get request." }, { code: 803 }]) {
      const { report, text } = render(graphError(body), { businessId: "424242" })
      expect(report.exitCode).toBe(2)
      expect(text).toContain("Business 424242 does not exist, or this token cannot see it.")
    }
  })

  it("a stale cursor says to start again without --after, and offers no cursor to continue from", () => {
    const report = ErrorReport.make(graphError({ code: 100, message: "The After Cursor specified exceeds the max" }))
    const text = ErrorReport.format(report, { resume: CommandError.resume({ after: "c1", items: 3, max: undefined }) })
    expect(report.exitCode).toBe(2)
    expect(text).toContain("The --after cursor is not valid any more.")
    expect(text).not.toContain("To continue")
  })

  it("a missing appsecret_proof is an auth problem with the app-secret advice", () => {
    const { report, text } = render(graphError({
      code: 100,
      message: "API calls from the server require an appsecret_proof argument"
    }))
    expect(report.exitCode).toBe(3)
    expect(text).toContain("GRAPH_APP_SECRET")
  })

  it("signature, policy, transient and other errors", () => {
    expect(render(graphError({ code: 104, message: "Incorrect signature" })).report.exitCode).toBe(3)
    expect(render(graphError({ code: 368, message: "blocked" })).text).toMatch(/abusive.*Wait before trying again/s)
    const transient = render(graphError({ code: 2, message: "Service temporarily unavailable" }, { attempts: 5 }))
    expect(transient.report.exitCode).toBe(1)
    expect(transient.text).toContain("Gave up after 5 attempts.")
    expect(render(graphError({ code: 12345, message: "odd" })).text).toContain("Graph answered with error 12345.")
  })

  it("transport errors point at the network and the base URL; exit 1", () => {
    const network = new GraphError.GraphTransportError({
      reason: "Network",
      message: "The request to /x failed: ECONNREFUSED",
      retryable: true,
      route,
      attempts: 5
    })
    const { report, text } = render(network, { baseUrl: "http://127.0.0.1:9" })
    expect(report.exitCode).toBe(1)
    expect(text).toContain("Could not reach http://127.0.0.1:9.")
    expect(text).toContain("ECONNREFUSED")
    expect(text).toContain("Check your network connection and proxy. Check the base URL")
    expect(text).toContain("it is http://127.0.0.1:9, Meta's is https://graph.facebook.com")
    // At Meta's own address the hint does not tell the reader to use what they already use.
    const atMeta = render(network, { baseUrl: "https://graph.facebook.com" }).text
    expect(atMeta).toContain("(--base-url or GRAPH_BASE_URL; it is Meta's, https://graph.facebook.com)")
    expect(atMeta).not.toContain("Meta's is")
    const body = new GraphError.GraphTransportError({
      reason: "InvalidBody",
      message: "not JSON",
      retryable: false,
      route,
      attempts: 1,
      httpStatus: 404
    })
    expect(render(body, { baseUrl: "https://example.com" }).text).toContain(
      "The server at https://example.com did not answer like the Graph API (HTTP 404)."
    )
  })

  it("decode errors ask for a report with the fbtrace id", () => {
    const error = new GraphError.GraphDecodeError({
      message: "shape\nline 2",
      route,
      httpStatus: 200,
      attempts: 1,
      fbtraceId: "T1"
    })
    const { report, text } = render(error)
    expect(report.exitCode).toBe(1)
    expect(text).toContain("fbtrace_id T1")
    expect(text).toContain("report it")
  })
})

describe("ErrorReport: input errors", () => {
  it("usage errors, bad filters and invalid requests exit 2 with their message", () => {
    expect(render(new UsageError({ message: "No.", hint: "Do this." })).text).toBe(
      "waba: error: No.\n  What to do: Do this.\n"
    )
    const filter = FilterSyntax.parse(FilterSyntax.accounts, ["creation_time>soon"])
    if (Either.isRight(filter)) throw new Error("expected a syntax error")
    const filterReport = render(filter.left)
    expect(filterReport.report.exitCode).toBe(2)
    expect(filterReport.text).toContain("Accepted --filter syntax")
    const invalid = render(new InvalidRequestError({ parameter: "limit", message: "limit must be 1 to 100." }))
    expect(invalid.report.exitCode).toBe(2)
    expect(invalid.text).toContain("Invalid --limit: limit must be 1 to 100.")
    const config = render(new GraphConfig.GraphConfigError({ setting: "baseUrl", message: "not a URL" }))
    expect(config.report.exitCode).toBe(2)
    expect(config.text).toContain("Invalid base URL (--base-url or GRAPH_BASE_URL): not a URL")
  })

  it("a defect is an unexpected error, exit 1", () => {
    const report = ErrorReport.unexpected(new Error("boom"))
    const text = ErrorReport.format(report)
    expect(report.exitCode).toBe(1)
    expect(text).toContain("Unexpected error.")
    expect(text).toContain("boom")
  })
})

describe("ErrorReport.format", () => {
  it("neutralises control characters from the server and cuts a huge message to a readable length", () => {
    const error = graphError({
      code: 190,
      message: `Session expired\u001b[2J\r\u009b31m${"x".repeat(5_000_000)}`,
      fbtrace_id: "A\u001b]0;t\u0007"
    })
    const text = ErrorReport.format(ErrorReport.make(error))
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\n/g, "")).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    expect(text).toContain("Graph said: Session expired\u241b[2J\u240d\ufffd31mxxx")
    expect(text).toContain("fbtrace_id A\u241b]0;t\u2407")
    expect(Math.max(...text.split("\n").map((line) => line.length))).toBeLessThanOrEqual(1000)
  })

  it("names the proxy a failed connection went through, without its credentials", () => {
    const network = new GraphError.GraphTransportError({
      reason: "Network",
      message: "fetch failed",
      retryable: true,
      route,
      attempts: 1
    })
    const text = ErrorReport.format(ErrorReport.make(network, {
      baseUrl: "https://graph.facebook.com",
      proxy: "the proxy http://<redacted>@proxy.example:3128"
    }))
    expect(text).toContain(
      "Could not reach https://graph.facebook.com through the proxy http://<redacted>@proxy.example:3128."
    )
    expect(text).toContain("NO_PROXY lists the hosts reached directly")
  })

  it("removes every secret it is given, whatever the error holds", () => {
    const token = "EAAsecret-token-value-123"
    const report = ErrorReport.unexpected(new Error(`echoed ${token} and app-secret-xyz`))
    const text = ErrorReport.format(report, { secrets: [Redacted.make(token), "app-secret-xyz"] })
    expect(text).not.toContain(token)
    expect(text).not.toContain("app-secret-xyz")
    expect(text).toContain("<redacted>")
  })

  it("colours the label only when asked", () => {
    const report = ErrorReport.make(new UsageError({ message: "x" }))
    expect(ErrorReport.format(report, { color: true })).toContain("\x1b[1;31merror\x1b[0m")
    expect(ErrorReport.format(report)).not.toContain("\x1b")
  })
})
