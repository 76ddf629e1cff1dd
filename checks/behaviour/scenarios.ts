/**
 * The behaviour both lines must show, stated once: each scenario is a server (scripted replies, or the
 * emulator with its faults), a read through the public API, and what the read must come to. The Effect 3
 * runner (`packages/waba/test/Behaviour.test.ts`) and the Effect 4 runner
 * (`v4/packages/waba/test/Behaviour.test.ts`) run every table here; `harness.ts` also checks, for every
 * scenario, that nothing ends in a defect, no item arrives twice, and no secret reaches any output or URL.
 */
import { expect } from "vitest"
import type { EdgeOptions, EmulatorScenario, Read, Reply, Sent, ServerScenario } from "./model.js"
import * as Secrets from "./secrets.js"

const business = "1234567890"

const owned = (options: EdgeOptions = { limit: 2 }, take?: number): Read =>
  take === undefined ? { edge: "owned", id: business, options } : { edge: "owned", id: business, options, take }

const nextLink = (after: string) =>
  `https://graph.facebook.com/v27.0/${business}/owned_whatsapp_business_accounts?limit=2&after=${after}`

/** A page of accounts with these ids, and a `next` link with cursor `after` when given. */
const page = (ids: ReadonlyArray<string>, after?: string): Reply => ({
  body: {
    data: ids.map((id) => ({ id })),
    ...(after === undefined ? {} : { paging: { cursors: { after }, next: nextLink(after) } })
  }
})

const graphError = (
  error: Readonly<Record<string, unknown>>,
  status = 400,
  headers: Readonly<Record<string, string>> = {}
): Reply => ({ status, headers, body: { error } })

/** Answers `replies` in order, then the last one for every later request. */
const inOrder = (...replies: ReadonlyArray<Reply>) => (request: Sent): Reply =>
  replies[Math.min(request.index, replies.length - 1)]!

/** A server whose page for cursor `c` (the first page for none) is `pages[c]`. */
const byCursor =
  (pages: Readonly<Record<string, { readonly ids: ReadonlyArray<string>; readonly next?: string }>>) =>
  (request: Sent): Reply => {
    const found = pages[request.query["after"] ?? ""]!
    return page(found.ids, found.next)
  }

// 5,000,000 characters, 10 MB as UTF-8: within the 16 MiB a response may have.
const junk = "\u00e9".repeat(5_000_000)

const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`

const throttled = (minutes: number, headers: Readonly<Record<string, string>> = {}): Reply =>
  graphError(
    {
      message: "There have been too many calls to this WhatsApp Business account.",
      code: 80008,
      type: "OAuthException"
    },
    400,
    {
      "x-business-use-case-usage": JSON.stringify({
        [business]: [{
          type: "whatsapp_business_management",
          call_count: 100,
          estimated_time_to_regain_access: minutes
        }]
      }),
      ...headers
    }
  )

const cycle = (length: number): ServerScenario => {
  // p0 -> c1 -> c2 -> ... -> c<length> -> back to c1.
  const pages: Record<string, { ids: Array<string>; next?: string }> = { "": { ids: ["1", "2"], next: "c1" } }
  for (let i = 1; i <= length; i++) {
    pages[`c${i}`] = { ids: [`${i}1`, `${i}2`], next: i === length ? "c1" : `c${i + 1}` }
  }
  return {
    name: `a cursor cycle of ${length} page(s) ends the read with GraphPagingError; every account arrives once`,
    replies: byCursor(pages),
    read: owned(),
    expected: {
      error: "GraphPagingError",
      ids: Object.values(pages).flatMap((one) => one.ids),
      requests: length + 1
    }
  }
}

/** Every secret the client holds, and the proof it sent, echoed in every field of an error. */
const echoing = (mode: "plain" | "timed"): ServerScenario => ({
  name: `a server echoing every secret (${mode} proof) in every field, header and link leaks none of them`,
  settings: { appSecretProof: mode, retry: false },
  replies: (request) => {
    const proof = request.query["appsecret_proof"] ?? ""
    const echo = [Secrets.token, Secrets.appSecret, proof, request.headers["authorization"] ?? ""].join(" ")
    return request.index === 0
      ? {
        body: {
          data: [{ id: "1", name: "ok" }],
          paging: {
            cursors: { after: "a1" },
            next: `https://graph.facebook.com/v27.0/1/owned?access_token=${Secrets.token}&appsecret_proof=${proof}` +
              `&x=${Secrets.appSecret}&after=a1`
          }
        },
        headers: { "x-fb-trace-id": echo }
      }
      : graphError(
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
  },
  read: owned({ fields: ["name"] }),
  expected: { error: "GraphNotFoundError", ids: ["1"], requests: 2 },
  verify: ({ sent }) => {
    expect(sent.map((request) => request.query["appsecret_proof"]?.length)).toEqual([64, 64])
  }
})

/** Hostile or broken servers: each read ends in the right data or a typed error, in few requests. */
export const hostile: ReadonlyArray<ServerScenario> = [
  ...[1, 2, 3, 5].map(cycle),
  {
    name: "a server that always answers with the cursor it was given is stopped after the first repeat",
    replies: (request) => page([`x${request.query["after"] ?? ""}`], "same"),
    read: owned(),
    expected: { error: "GraphPagingError", ids: ["x", "xsame"], requests: 2 }
  },
  {
    name: "an account on two pages arrives once",
    replies: byCursor({ "": { ids: ["1", "2"], next: "c1" }, c1: { ids: ["2", "3"] } }),
    read: owned(),
    expected: { ids: ["1", "2", "3"], requests: 2 }
  },
  {
    name: "an HTML page instead of JSON is a typed error",
    replies: () => ({
      raw: "<!DOCTYPE html><html><body>Sorry, something went wrong.</body></html>",
      headers: { "content-type": "text/html; charset=utf-8" }
    }),
    read: owned(),
    settings: { retry: false },
    expected: { error: "GraphTransportError", requests: 1 }
  },
  {
    name: "JSON cut short is tried again, then a typed error",
    replies: () => ({ raw: "{\"data\":[{\"id\":\"1\",\"na" }),
    read: owned(),
    settings: { retry: { maxRetries: 2, baseDelay: "1 millis", jitter: false } },
    expected: { error: "GraphTransportError", errorMatches: { attempts: 3 }, requests: 3 }
  },
  {
    name: "a name of the wrong type is a GraphDecodeError, not retried",
    replies: () => ({ body: { data: [{ id: "1", name: 42 }] } }),
    read: owned({ fields: ["name"] }),
    expected: { error: "GraphDecodeError", requests: 1 }
  },
  {
    name: "an id of the wrong type is a GraphDecodeError, not retried",
    replies: () => ({ body: { data: [{ id: { nested: true } }] } }),
    read: owned(),
    expected: { error: "GraphDecodeError", requests: 1 }
  },
  {
    name: "`data` that is not a list is a GraphDecodeError, not retried",
    replies: () => ({ body: { data: "not a list" } }),
    read: owned(),
    expected: { error: "GraphDecodeError", requests: 1 }
  },
  ...([
    ["[]", "GraphDecodeError"],
    ["null", "GraphDecodeError"],
    ["42", "GraphDecodeError"],
    ["\"text\"", "GraphDecodeError"],
    ["{\"data\":{}}", "GraphDecodeError"],
    ["{\"error\":null}", "GraphApiError"],
    ["{\"error\":[1]}", "GraphApiError"],
    ["\u0000", "GraphTransportError"]
  ] as const).map(([raw, error]): ServerScenario => ({
    name: `a body of ${JSON.stringify(raw)} is a ${error}`,
    replies: () => ({ raw }),
    read: owned(),
    settings: { retry: false },
    expected: { error, requests: 1 }
  })),
  {
    name: "20,000-deep nesting in an account is a short GraphDecodeError, one request",
    replies: () => ({ raw: `{"data":[{"id":"1","name":${nested(20_000)}}]}` }),
    read: owned(),
    expected: { error: "GraphDecodeError", maxMessage: 400, requests: 1 }
  },
  {
    name: "20,000-deep nesting in error_data keeps the error short and printable",
    replies: () => ({ status: 400, raw: `{"error":{"message":"bad","code":100,"error_data":${nested(20_000)}}}` }),
    read: owned(),
    settings: { retry: false },
    expected: {
      error: "GraphInvalidParameterError",
      errorMatches: { code: 100, errorData: expect.stringContaining("omitted") },
      maxMessage: 400,
      maxRenderings: 10_000,
      requests: 1
    }
  },
  {
    name: "a 5 MB junk value where a time belongs is a decode error of a few hundred characters",
    replies: () => ({ body: { data: [{ id: "1", creation_time: "x".repeat(5 * 1024 * 1024) }] } }),
    read: owned({ fields: ["creation_time"] }),
    settings: { retry: false },
    expected: { error: "GraphDecodeError", maxMessage: 600, maxRenderings: 20_000, requests: 1 }
  },
  ...([
    ["as the list", { data: junk }],
    ["as an object where an id belongs", { data: [{ id: { value: junk } }] }],
    ["in a list where an id belongs", { data: [{ id: [junk] }] }]
  ] as const).map(([where, body]): ServerScenario => ({
    name: `a 5 MB value ${where} is a decode error of a few hundred characters`,
    replies: () => ({ body }),
    read: owned({ fields: ["name"] }),
    settings: { retry: false },
    expected: { error: "GraphDecodeError", maxMessage: 400, requests: 1 }
  })),
  {
    name: "a 5 MB error message is cut short",
    replies: () => graphError({ message: "x".repeat(5_000_000), code: 100, error_user_msg: "y".repeat(5_000_000) }),
    read: owned(),
    settings: { retry: false },
    expected: { error: "GraphInvalidParameterError", maxMessage: 2_100, maxRenderings: 20_000, requests: 1 }
  },
  {
    name: "a 40 MiB body stops being read at the limit: GraphTransportError TooLarge, not retried",
    replies: () => ({ raw: `{"data":[{"id":"1","name":"${"y".repeat(40 * 1024 * 1024)}"}]}` }),
    read: owned(),
    expected: { error: "GraphTransportError", errorMatches: { reason: "TooLarge", retryable: false }, requests: 1 }
  },
  {
    name: "nulls in fields, nested fields and paging are read as absent",
    replies: () => ({
      body: {
        data: [
          { id: "1", name: null, health_status: { can_send_message: null, entities: null } },
          { id: "2", name: "Two", owner_business_info: { id: null, name: "Acme" } }
        ],
        paging: { cursors: null, next: null }
      }
    }),
    read: owned({ fields: ["name", "health_status", "owner_business_info"] }),
    expected: {
      items: [{ id: "1", health_status: {} }, { id: "2", name: "Two", owner_business_info: { name: "Acme" } }],
      requests: 1
    }
  },
  {
    name: "a null in the list of accounts is skipped",
    replies: () => ({ body: { data: [{ id: "1" }, null, { id: "2" }] } }),
    read: owned(),
    expected: { ids: ["1", "2"], requests: 1 }
  },
  {
    name: "a redirect to another origin is a typed error naming it, not followed and not retried",
    replies: () => ({ redirectOffOrigin: true }),
    read: owned(),
    expected: {
      error: "GraphTransportError",
      errorMatches: {
        reason: "Redirect",
        retryable: false,
        httpStatus: 302,
        message: expect.stringMatching(/http:\/\/127\.0\.0\.1:\d+\/collect/)
      },
      requests: 1
    }
  },
  {
    name: "a gzip bomb (64 MiB of spaces in about 64 KB) is TooLarge at the default 16 MiB, counted after inflating",
    replies: () => ({ raw: " ".repeat(64 * 1024 * 1024), gzip: true }),
    read: owned(),
    expected: { error: "GraphTransportError", errorMatches: { reason: "TooLarge", retryable: false }, requests: 1 }
  },
  {
    name: "a server that never answers: each attempt ends at the timeout, then a typed error",
    replies: () => ({ hang: true }),
    read: owned(),
    settings: { timeout: "300 millis", retry: { maxRetries: 1, baseDelay: "1 millis", jitter: false } },
    expected: { error: "GraphTransportError", errorMatches: { reason: "Timeout" }, requests: 2 }
  },
  {
    name: "an answer slower than the timeout is tried again, and the read succeeds",
    replies: (request) => request.index === 0 ? { ...page(["1"]), delayMs: 1_500 } : page(["1"]),
    read: owned(),
    settings: { timeout: "300 millis" },
    expected: { ids: ["1"], requests: 2 }
  },
  echoing("plain"),
  echoing("timed")
]

/** Which failures are tried again, how often, and after how long. */
export const retries: ReadonlyArray<ServerScenario> = [
  ...[
    ["HTTP 500 with Graph code 1", graphError({ message: "An unknown error occurred", code: 1 }, 500)],
    ["HTTP 503 with Graph code 2", graphError({ message: "Service unavailable", code: 2, is_transient: true }, 503)],
    ["is_transient on another code", graphError({ message: "Try again", code: 131000, is_transient: true })],
    ["an HTML 502 page", {
      status: 502,
      raw: "<html>502 Bad Gateway</html>",
      headers: { "content-type": "text/html" }
    }],
    ["an empty 503", { status: 503, raw: "" }]
  ].map(([name, reply]): ServerScenario => ({
    name: `${name as string} is tried again, and the read succeeds`,
    replies: inOrder(reply as Reply, page(["7"])),
    read: owned(),
    expected: { ids: ["7"], requests: 2 }
  })),
  {
    name: "80008 with a Retry-After of 1 s: nothing is sent before it is up, then the read succeeds",
    replies: inOrder(throttled(0, { "retry-after": "1" }), page(["7"])),
    read: owned(),
    expected: { ids: ["7"], requests: 2 },
    verify: ({ sent }) => {
      expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(1_000)
    }
  },
  {
    name: "80008 whose hint is longer than maxHintedWait fails at once, carrying the hint",
    replies: () => throttled(60),
    read: owned(),
    settings: { retry: { maxHintedWait: "10 minutes" } },
    expected: {
      error: "GraphRateLimitError",
      errorMatches: { code: 80008, attempts: 1, retryAfterMillis: 3_600_000 },
      requests: 1
    }
  },
  {
    name: "a transient error every time: retried up to maxRetries, the attempts counted",
    replies: () => graphError({ message: "Please retry", code: 2, is_transient: true }, 500),
    read: owned(),
    settings: { retry: { maxRetries: 3, baseDelay: "1 millis", maxDelay: "5 millis", jitter: false } },
    expected: { error: "GraphTransientError", errorMatches: { attempts: 4 }, requests: 4 }
  },
  ...[
    [
      "an expired token (190)",
      graphError({ message: "Session has expired", code: 190, error_subcode: 463 }, 401),
      "GraphAuthError"
    ],
    ["a permission error (200)", graphError({ message: "p", code: 200 }, 403), "GraphPermissionError"],
    ["a signature error (104)", graphError({ message: "s", code: 104 }), "GraphSignatureError"],
    ["a policy error (368)", graphError({ message: "a", code: 368 }), "GraphPolicyError"],
    ["an invalid parameter (100)", graphError({ message: "i", code: 100 }), "GraphInvalidParameterError"]
  ].map(([name, reply, tag]): ServerScenario => ({
    name: `${name as string} is never tried again`,
    replies: () => reply as Reply,
    read: owned(),
    expected: { error: tag as string, errorMatches: { attempts: 1 }, requests: 1 }
  })),
  {
    name: "retry: false makes a transient failure a single attempt",
    replies: () => graphError({ message: "Please retry", code: 2, is_transient: true }, 503),
    read: owned(),
    settings: { retry: false },
    expected: { error: "GraphTransientError", requests: 1 }
  }
]

/**
 * Each Graph error kind's typed tag, by code. HTTP status is deliberately varied and sometimes misleading:
 * the tag follows the code.
 */
export const errorKinds: ReadonlyArray<ServerScenario> = ([
  [4, 403, "GraphRateLimitError"],
  [17, 400, "GraphRateLimitError"],
  [32, 400, "GraphRateLimitError"],
  [341, 400, "GraphRateLimitError"],
  [613, 400, "GraphRateLimitError"],
  [80000, 400, "GraphRateLimitError"],
  [80007, 400, "GraphRateLimitError"],
  [80008, 400, "GraphRateLimitError"],
  [80014, 429, "GraphRateLimitError"],
  [102, 400, "GraphAuthError"],
  [190, 401, "GraphAuthError"],
  [10, 403, "GraphPermissionError"],
  [200, 403, "GraphPermissionError"],
  [294, 400, "GraphPermissionError"],
  [299, 400, "GraphPermissionError"],
  [104, 400, "GraphSignatureError"],
  [368, 400, "GraphPolicyError"],
  [100, 400, "GraphInvalidParameterError"],
  [1, 500, "GraphTransientError"],
  [2, 503, "GraphTransientError"],
  [803, 404, "GraphNotFoundError"],
  [0, 401, "GraphAuthError"],
  [3, 400, "GraphPermissionError"],
  [2642, 400, "GraphApiError"],
  [80015, 400, "GraphApiError"],
  [300, 400, "GraphApiError"]
] as const).map(([code, status, tag]): ServerScenario => ({
  name: `code ${code} (HTTP ${status}) is ${tag}`,
  replies: () => graphError({ message: `m${code}`, type: "OAuthException", code }, status),
  read: owned(),
  settings: { retry: false },
  expected: {
    error: tag,
    errorMatches: { code, httpStatus: status, message: `m${code}`, type: "OAuthException" },
    requests: 1
  }
}))

const denied = graphError({ message: "(#200) Permissions error", type: "OAuthException", code: 200 }, 403)
const numbers = (...ids: Array<string>) => ids.map((id) => ({ id, display_phone_number: `+1 555 ${id}` }))
const numbersNext = {
  cursors: { after: "N1" },
  next: "https://graph.facebook.com/v27.0/903/phone_numbers?after=N1"
}

/**
 * The agency fan-out over a scripted Graph: B1 (111) owns W1 and W2 and is shared W2 and W3; B2 (222)
 * owns W3 and may not read its client edge. W3 has more phone numbers than its first page.
 */
const agency: Readonly<Record<string, Reply>> = {
  "/111/owned_whatsapp_business_accounts": { body: { data: [{ id: "901", name: "W1" }, { id: "902", name: "W2" }] } },
  "/111/client_whatsapp_business_accounts": {
    body: {
      data: [
        { id: "902", name: "W2", permitted_tasks: ["MANAGE"] },
        {
          id: "903",
          name: "W3",
          permitted_tasks: ["MESSAGING"],
          phone_numbers: { data: numbers("7001"), paging: numbersNext }
        }
      ]
    }
  },
  "/222/owned_whatsapp_business_accounts": {
    body: { data: [{ id: "903", name: "W3", phone_numbers: { data: numbers("7001"), paging: numbersNext } }] }
  },
  "/222/client_whatsapp_business_accounts": denied,
  "/903/phone_numbers": { body: { data: numbers("7002", "7003") } }
}

export const fanOut: ReadonlyArray<ServerScenario> = [
  {
    name: "the fan-out reads each account once with its phone numbers; a business's failure is reported alone",
    replies: (request) => agency[request.path] ?? graphError({ message: "no route", code: 100 }),
    read: {
      fanOut: ["111", "222"],
      fields: ["name"],
      phoneNumbers: { fields: ["display_phone_number"] },
      concurrency: 2
    },
    settings: { retry: false },
    expected: { failures: [["222", "client", "GraphPermissionError"]], done: ["111"] },
    verify: ({ outcome, sent }) => {
      const accounts = new Map(outcome.items.map((account) => [account["id"], account]))
      expect([...accounts.keys()].sort()).toEqual(["901", "902", "903"])
      const w3 = accounts.get("903") as { phone_numbers: ReadonlyArray<{ id: string }> }
      expect(w3.phone_numbers.map((number) => number.id)).toEqual(["7001", "7002", "7003"])
      expect(accounts.get("901")).toMatchObject({ name: "W1", phone_numbers: [] })
      // W3 was seen twice; its phone numbers were completed once.
      expect(sent.filter((request) => request.path === "/903/phone_numbers")).toHaveLength(1)
    }
  }
]

const emulatorBusiness = "1234567890"
const firstToken = "EAA-first-business-token-0001"
const revoked = "EAA-revoked-token-of-second-0003"
const ids = (outcome: { readonly items: ReadonlyArray<Readonly<Record<string, unknown>>> }) =>
  outcome.items.map((item) => item["id"] as string)

/** Transient faults the emulator injects into the first request: the read is tried again and succeeds. */
export const emulatorRetries: ReadonlyArray<EmulatorScenario> = ([
  ["HTTP 500 with a Graph body", { kind: "httpError", status: 500 }],
  ["HTTP 502, empty", { kind: "httpError", status: 502, body: "empty" }],
  ["HTTP 503", { kind: "httpError", status: 503 }],
  ["Graph code 1", { kind: "graphError", code: 1 }],
  ["Graph code 2", { kind: "graphError", code: 2 }],
  ["is_transient on another code", { kind: "graphError", code: "transient" }],
  ["connection reset mid-body", { kind: "reset" }],
  ["truncated JSON", { kind: "truncated" }],
  ["an HTML page instead of JSON", { kind: "nonJson", status: 502 }],
  ["a response slower than the timeout", { kind: "slow", ms: 3_000 }]
] as const).map(([name, fault]): EmulatorScenario => ({
  name: `the emulator's ${name}: tried again, the same page read`,
  emulator: { rateLimit: false, faults: [{ ...fault, when: { requests: [1] } }] },
  read: { edge: "owned", id: emulatorBusiness, options: { limit: 5 }, take: 5 },
  settings: { timeout: "400 millis" },
  expected: { requests: 2 },
  injected: [fault.kind],
  verify: async ({ outcome, again }) => {
    expect(ids(outcome)).toHaveLength(5)
    expect(ids(outcome)).toEqual(
      ids(await again({ edge: "owned", id: emulatorBusiness, options: { limit: 5 }, take: 5 }))
    )
  }
}))

/** Paging, filters, expansion, credentials and bad input against the emulator's data. */
export const emulated: ReadonlyArray<EmulatorScenario> = [
  {
    name: "an edge is paged to its end: every account once, one request per page of 25",
    read: { edge: "owned", id: emulatorBusiness, options: { fields: ["name"], limit: 25 } },
    expected: { requests: 6 },
    verify: ({ outcome }) => expect(outcome.items).toHaveLength(137)
  },
  {
    name: "pages of 100 take two requests",
    read: { edge: "owned", id: emulatorBusiness, options: { fields: ["name"], limit: 100 } },
    expected: { requests: 2 },
    verify: ({ outcome, sent }) => {
      expect(outcome.items).toHaveLength(137)
      expect(sent[0]!.query["fields"]).toBe("id,name")
      for (const account of outcome.items) {
        expect(Object.keys(account).every((key) => ["id", "name"].includes(key))).toBe(true)
      }
    }
  },
  {
    name: "a documented time clause goes on the wire, and Graph's answer is what the client would keep",
    read: {
      edge: "owned",
      id: emulatorBusiness,
      options: {
        fields: ["creation_time"],
        limit: 100,
        filtering: [{ builder: "creationTime", operator: "greaterThan", args: [new Date("2020-01-01T00:00:00Z")] }]
      }
    },
    expected: { requests: 2 },
    verify: async ({ outcome, sent, again }) => {
      expect(JSON.parse(sent[0]!.query["filtering"]!)).toEqual([
        { field: "creation_time", operator: "GREATER_THAN", value: 1577836800 }
      ])
      const everything = await again({
        edge: "owned",
        id: emulatorBusiness,
        options: { fields: ["creation_time"], limit: 100 }
      })
      const later = everything.items.filter((account) =>
        (account["creation_time"] as Date).getTime() > Date.parse("2020-01-01T00:00:00Z")
      )
      expect(later.length).toBeGreaterThan(0)
      expect(later.length).toBeLessThan(everything.items.length)
      expect(ids(outcome).sort()).toEqual(ids({ items: later }).sort())
    }
  },
  {
    name: "a clause Graph does not apply on this edge is evaluated by the client, on a field it reads and then drops",
    read: {
      edge: "owned",
      id: emulatorBusiness,
      options: {
        fields: ["name"],
        limit: 100,
        filtering: [{ builder: "ownershipType", operator: "in", args: ["SELF"] }]
      }
    },
    expected: {},
    verify: async ({ outcome, sent, again }) => {
      expect(sent[0]!.query["filtering"]).toBeUndefined()
      expect(sent[0]!.query["fields"]).toContain("ownership_type")
      expect(outcome.items.every((account) => !("ownership_type" in account))).toBe(true)
      const everything = await again({
        edge: "owned",
        id: emulatorBusiness,
        options: { fields: ["ownership_type"], limit: 100 }
      })
      const self = everything.items.filter((account) => account["ownership_type"] === "SELF")
      expect(self.length).toBeGreaterThan(0)
      expect(ids(outcome).sort()).toEqual(ids({ items: self }).sort())
    }
  },
  {
    name: "expanded phone numbers come inside the account pages; the rest are read after them",
    read: {
      edge: "owned",
      id: emulatorBusiness,
      options: { fields: ["name"], limit: 100, expand: { phone_numbers: { fields: ["display_phone_number"] } } }
    },
    expected: {},
    verify: async ({ outcome, sent, again }) => {
      const large = outcome.items.filter((account) => (account["phone_numbers"] as Array<unknown>).length > 100)
      expect(sent.filter((request) => request.path.endsWith("/owned_whatsapp_business_accounts"))).toHaveLength(2)
      // Only the accounts with more numbers than a page cost requests of their own.
      expect(new Set(sent.filter((request) => request.path.endsWith("/phone_numbers")).map((request) => request.path)))
        .toEqual(new Set(ids({ items: large }).map((id) => `/${id}/phone_numbers`)))
      const some = outcome.items.filter((account) => (account["phone_numbers"] as Array<unknown>).length > 1).slice(
        0,
        2
      )
      expect(some).toHaveLength(2)
      for (const account of [...some, ...large.slice(0, 1)]) {
        const direct = await again({
          edge: "phoneNumbers",
          id: account["id"] as string,
          options: { fields: ["display_phone_number"], limit: 100 }
        })
        expect(account["phone_numbers"]).toEqual(direct.items)
      }
    }
  },
  {
    name: "expansion of the first page only: each account's first number, and the cursor to the rest",
    read: {
      edge: "owned",
      id: emulatorBusiness,
      options: { fields: ["name"], limit: 100, expand: { phone_numbers: { limit: 1, pages: "first" } } }
    },
    expected: { requests: 2 },
    verify: async ({ outcome, again }) => {
      const first = outcome.items.map((account) =>
        account["phone_numbers"] as { readonly data: ReadonlyArray<unknown>; readonly nextAfter?: string }
      )
      expect(first.every((page) => Array.isArray(page.data) && page.data.length <= 1)).toBe(true)
      const more = outcome.items.filter((_, index) => first[index]!.nextAfter !== undefined)
      expect(more.length).toBeGreaterThan(0)
      const numbers = await again({ edge: "phoneNumbers", id: more[0]!["id"] as string, options: { limit: 100 } })
      expect(numbers.items.length).toBeGreaterThan(1)
    }
  },
  {
    name: "a node by id: Unix seconds as a Date, Graph's nulls as absent fields",
    emulator: { quirks: { nullForAbsent: true } },
    read: { edge: "owned", id: emulatorBusiness, options: { limit: 1 }, take: 1 },
    expected: { requests: 1 },
    verify: async ({ outcome, again }) => {
      const node = await again({
        node: "whatsAppBusinessAccount",
        id: ids(outcome)[0]!,
        fields: ["creation_time", "purchase_order_number", "health_status"]
      })
      expect(node.error).toBeUndefined()
      expect(node.items[0]!["id"]).toBe(ids(outcome)[0])
      expect(node.items[0]!["creation_time"]).toBeInstanceOf(Date)
      expect(Object.values(node.items[0]!)).not.toContain(null)
    }
  },
  {
    name: "a token the server does not know is a GraphAuthError, tried once, that holds no secret",
    settings: { accessToken: "EAA-not-a-token-the-emulator-knows-0123456789" },
    read: { edge: "owned", id: emulatorBusiness },
    expected: { error: "GraphAuthError", errorMatches: { code: 190, attempts: 1 }, requests: 1 }
  },
  {
    name: "appsecret_proof is accepted by a server that requires it",
    emulator: { requireAppSecretProof: true, appSecret: "emulator-secret-for-proof" },
    read: { edge: "owned", id: emulatorBusiness, options: { limit: 5 }, take: 5 },
    expected: { requests: 1 },
    verify: ({ outcome, sent }) => {
      expect(outcome.items).toHaveLength(5)
      expect(sent[0]!.query["appsecret_proof"]).toMatch(/^[0-9a-f]{64}$/)
    }
  },
  {
    name: "a wrong app secret is refused as Graph words it, and not echoed",
    emulator: { requireAppSecretProof: true, appSecret: "emulator-secret-for-proof" },
    settings: { appSecret: "some-other-secret-value" },
    read: { edge: "owned", id: emulatorBusiness },
    expected: {
      error: "GraphInvalidParameterError",
      errorMatches: { code: 100, message: expect.stringContaining("appsecret_proof") },
      absent: ["emulator-secret-for-proof"]
    }
  },
  {
    name: "the fan-out: a business whose token is refused fails alone, named, while the others are read with theirs",
    emulator: { tokens: [{ token: firstToken, businesses: [emulatorBusiness] }] },
    read: {
      fanOut: [emulatorBusiness, "101000094277083"],
      fields: ["name"],
      tokens: { [emulatorBusiness]: firstToken, "101000094277083": revoked }
    },
    expected: {
      failures: [["101000094277083", "owned", "GraphAuthError"], ["101000094277083", "client", "GraphAuthError"]],
      done: [emulatorBusiness],
      absent: [firstToken, revoked]
    },
    verify: ({ outcome }) => expect(outcome.items.length).toBeGreaterThan(100)
  },
  ...([
    ["a business id that climbs out of the API", { edge: "owned", id: "../me" }],
    ["a page size Graph does not serve", { edge: "owned", id: emulatorBusiness, options: { limit: 101 } }],
    ["an unknown field", { edge: "owned", id: emulatorBusiness, options: { fields: ["nmae"] } }],
    [
      "a clause on a field the edge does not declare",
      {
        edge: "owned",
        id: emulatorBusiness,
        options: { filtering: [{ builder: "qualityRating", operator: "equal", args: ["RED"] }] }
      }
    ],
    [
      "a value the field does not take",
      {
        edge: "owned",
        id: emulatorBusiness,
        options: { filtering: [{ builder: "ownershipType", operator: "in", args: ["self"] }] }
      }
    ],
    ["a sort the edge does not know", {
      edge: "client",
      id: emulatorBusiness,
      options: { sort: "creation_time_ascending" }
    }],
    ["an expansion of more than 100 a page", {
      edge: "owned",
      id: emulatorBusiness,
      options: { expand: { phone_numbers: { limit: 500 } } }
    }],
    ["a fan-out over no business", { fanOut: [] }],
    ["a fan-out over a malformed id", { fanOut: ["12ab"] }],
    ["a fan-out with concurrency 0", { fanOut: [emulatorBusiness], concurrency: 0 }]
  ] as const).map(([name, read]): EmulatorScenario => ({
    name: `${name} is refused with InvalidRequestError before any request`,
    read: read as Read,
    expected: { error: "InvalidRequestError", requests: 0 }
  }))
]

/** Every table, by name: each line's runner runs them all. */
export const tables = { hostile, retries, errorKinds, fanOut, emulatorRetries, emulated } as const
