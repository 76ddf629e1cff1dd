/**
 * The contract against Meta's own OpenAPI spec (issue 13, item 7), stated once for both lines (plain
 * TypeScript, no Effect import; each line's `Line` runs the reads):
 *
 * 1. `specCases`: Prism, a validating mock, serves the spec behind a recording proxy; the public reads
 *    (owned edge, client edge, WABA node, phone numbers) go to it, and each exchange must come back 200
 *    with no request violation. Two requests rewritten to break the spec get 422, which proves the
 *    validation is on.
 * 2. `exampleScenarios`: every example answer the spec gives for those operations, served by a scripted
 *    loopback server, decodes through the line's reads with every field it holds requested.
 */
import { clientAccount, phoneNumber, whatsAppBusinessAccount } from "@effect-waba/graph-rules/whatsapp"
import { expect } from "vitest"
import type { Line, Outcome, Read, ServerScenario } from "../../../../checks/behaviour/model.js"
import * as Secrets from "../../../../checks/behaviour/secrets.js"
import * as MetaSpec from "./MetaSpec.js"
import type { Exchange, Recording, Tamper } from "./Proxy.js"

export const business = "1234567890123456"
export const waba = "104996122399160"
const version = "v27.0"

export interface SpecCase {
  readonly name: string
  /** How the proxy breaks the requests, for the cases that must get 422. */
  readonly tamper?: Tamper
  readonly reads: ReadonlyArray<Read>
  readonly check: (exchanges: ReadonlyArray<Exchange>, outcomes: ReadonlyArray<Outcome>) => void
}

/** Runs one case's reads through `line` against the recording proxy, then its checks. */
export const runCase = async (specCase: SpecCase, line: Line, recording: Recording): Promise<void> => {
  recording.reset(specCase.tamper)
  const outcomes: Array<Outcome> = []
  for (const read of specCase.reads) {
    outcomes.push(await line(read, { accessToken: Secrets.token, baseUrl: recording.url, retry: false }))
  }
  for (const outcome of outcomes) expect(outcome.defect).toBeUndefined()
  specCase.check(recording.exchanges(), outcomes)
}

/**
 * Every exchange was accepted by Prism: status 200 and no violation at all, or for an answer built from an
 * example that breaks the spec's own schema, exactly the `responseViolations` given (never one about the
 * request).
 */
const expectSpecValid = (
  exchanges: ReadonlyArray<Exchange>,
  requests: number,
  responseViolations: ReadonlyArray<string> = []
) => {
  expect(exchanges).toHaveLength(requests)
  for (const exchange of exchanges) {
    expect({ path: exchange.path, status: exchange.status, violations: exchange.violations.map((v) => v.message) })
      .toEqual({ path: exchange.path, status: 200, violations: responseViolations })
    expect(exchange.method).toBe("GET")
    expect(exchange.headers["authorization"]).toBe(`Bearer ${Secrets.token}`)
    expect(exchange.headers["user-agent"]).toMatch(/^effect-waba\/\d+\.\d+\.\d+$/)
  }
}

const requestViolations = (exchange: Exchange) => exchange.violations.filter((v) => v.location[0] === "request")

/** The items of a spec example whose body is a `{ data: [...] }` connection. */
const exampleItems = (operation: MetaSpec.Operation, name: string) => {
  const example = MetaSpec.successExamples(operation).find((e) => e.name === name)
  if (example === undefined) throw new Error(`the spec has no example "${name}" for ${operation}`)
  return (example.value as { readonly data: ReadonlyArray<Record<string, unknown>> }).data
}

const success = (outcome: Outcome | undefined) => {
  expect(outcome?.error).toBeUndefined()
  return outcome!.items
}

const pick = (items: ReadonlyArray<Readonly<Record<string, unknown>>>, ...keys: ReadonlyArray<string>) =>
  items.map((item) => keys.map((key) => item[key] ?? undefined))

const accountFields = Object.keys(whatsAppBusinessAccount.fields)
const numberFields = Object.keys(phoneNumber.fields)

export const specCases: ReadonlyArray<SpecCase> = [
  {
    name: "owned edge: the default read and a read with fields, filter, sort and page size are spec-valid",
    reads: [
      { edge: "owned", id: business },
      {
        edge: "owned",
        id: business,
        options: {
          fields: ["name", "creation_time", "ownership_type", "whatsapp_business_manager_messaging_limit"],
          filtering: [{ builder: "creationTime", operator: "greaterThan", args: [new Date("2024-01-01T00:00:00Z")] }],
          sort: "creation_time_ascending",
          limit: 50
        }
      }
    ],
    check: (exchanges, [plain, tuned]) => {
      expectSpecValid(exchanges, 2)
      expect(exchanges.map((e) => e.path)).toEqual([
        `/${version}/${business}/owned_whatsapp_business_accounts`,
        `/${version}/${business}/owned_whatsapp_business_accounts`
      ])
      expect(exchanges[1]!.query.get("filtering")).toBe(
        JSON.stringify([{ field: "creation_time", operator: "GREATER_THAN", value: 1704067200 }])
      )
      // Prism answers with the spec's first example: the accounts decoded are those.
      const served = exampleItems("owned", "multiple_accounts")
      expect(success(plain)).toEqual(served)
      expect(pick(success(tuned), "id", "name")).toEqual(pick(served, "id", "name"))
    }
  },
  {
    name: "client edge: the first page is spec-valid, and so is the request for the next one",
    reads: [
      {
        edge: "client",
        id: business,
        options: {
          fields: ["name", "ownership_type", "business_verification_status", "permitted_tasks"],
          filtering: [{ builder: "ownershipType", operator: "in", args: ["CLIENT_OWNED", "SELF"] }],
          limit: 2
        },
        take: 2
      },
      { edge: "client", id: business }
    ],
    check: (exchanges, [firstPage, all]) => {
      expect(pick(success(firstPage), "id", "ownership_type")).toEqual(
        pick(exampleItems("client", "multiple_accounts"), "id", "ownership_type")
      )
      expect(exchanges[0]!.query.get("filtering")).toBe(
        JSON.stringify([{ field: "ownership_type", operator: "IN", value: ["CLIENT_OWNED", "SELF"] }])
      )
      // The example has `next`, so a full read asks for page 2 with its cursor. A static mock then hands
      // back the same page and cursor: the read must stop with a typed error, not loop.
      expect(all?.error?._tag).toBe("GraphPagingError")
      expectSpecValid(exchanges, 3)
      expect(exchanges[2]!.query.get("after")).toBe("QVFIUjNpUWpVWmRBd0Rn")
    }
  },
  {
    name: "WABA node: a read of every field, and the default read, are spec-valid",
    reads: [
      { node: "whatsAppBusinessAccount", id: waba, fields: accountFields },
      { node: "whatsAppBusinessAccount", id: waba }
    ],
    check: (exchanges, [every, basic]) => {
      expectSpecValid(exchanges, 2)
      expect(exchanges[0]!.path).toBe(`/${version}/${waba}`)
      const [verified] = MetaSpec.successExamples("node")
      expect(success(every)).toEqual([verified!.value])
      expect(success(basic)[0]!["id"]).toBe((verified!.value as { id: string }).id)
    }
  },
  {
    name: "phone numbers: a read with fields, a pushed-down filter, the spec's sort and a page size is spec-valid",
    reads: [
      {
        edge: "phoneNumbers",
        id: waba,
        options: {
          fields: numberFields,
          filtering: [{ builder: "accountMode", operator: "equal", args: ["LIVE"] }],
          sort: "last_onboarded_time.desc",
          limit: 100
        }
      },
      { edge: "phoneNumbers", id: waba }
    ],
    check: (exchanges, [numbers, plain]) => {
      // The spec's first example breaks the spec's own enums (UNKNOWN, NOT_VERIFIED); Prism says so, and
      // the open enums decode them anyway.
      expectSpecValid(exchanges, 2, [
        "Response body property data.1.quality_rating must be equal to one of the allowed values: GREEN, YELLOW, RED, NA",
        "Response body property data.1.code_verification_status must be equal to one of the allowed values: " +
        "VERIFIED, UNVERIFIED"
      ])
      expect(exchanges[0]!.query.get("sort")).toBe("last_onboarded_time.desc")
      expect(exchanges[0]!.query.get("limit")).toBe("100")
      const served = exampleItems("phoneNumbers", "multiple_phone_numbers")
      expect(pick(success(numbers), "id", "quality_rating", "username")).toEqual(
        pick(served, "id", "quality_rating", "username")
      )
      expect(pick(success(plain), "id")).toEqual(pick(served, "id"))
    }
  },
  {
    name: "validation is on: a User-Agent that breaks the spec's pattern gets 422",
    tamper: (request) => {
      request.headers["user-agent"] = "effect waba"
    },
    reads: [{ edge: "owned", id: business }],
    check: (exchanges, [outcome]) => {
      expect(exchanges.map((e) => e.status)).toEqual([422])
      expect(requestViolations(exchanges[0]!).map((v) => v.location)).toEqual([["request", "header", "user-agent"]])
      // Prism's 422 body is the spec's example for 422: a Graph error with code 100.
      expect(outcome?.error?._tag).toBe("GraphInvalidParameterError")
    }
  },
  {
    name: "validation is on: a sort outside the spec's enum gets 422",
    tamper: (request) => {
      request.url.searchParams.set("sort", "newest_first")
    },
    reads: [{ edge: "phoneNumbers", id: waba }],
    check: (exchanges, [outcome]) => {
      expect(exchanges.map((e) => e.status)).toEqual([422])
      expect(requestViolations(exchanges[0]!).map((v) => v.location)).toEqual([["request", "query", "sort"]])
      expect(outcome?.error).toBeDefined()
    }
  }
]

/** A decoded item equals the example's, with `null` read as absent. */
const withoutNulls = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).filter(([, value]) => value !== null))

/** The fields a read must request to get every key of these items back (Graph's defaults for none). */
const fieldsOf = (items: ReadonlyArray<Record<string, unknown>>, declared: Readonly<Record<string, unknown>>) => {
  const keys = [...new Set(items.flatMap((item) => Object.keys(item)))]
  return keys.length === 0 ? {} : { fields: keys.filter((key) => key in declared) }
}

const connection = (value: unknown) => value as { readonly data: ReadonlyArray<Record<string, unknown>> }
const hasNext = (body: unknown) => (body as { paging?: { next?: string } }).paging?.next !== undefined

/** Every example answer in Meta's spec for the four reads, as a scenario: served, read, decoded. */
export const exampleScenarios = (): ReadonlyArray<ServerScenario> => {
  const edges = [
    ["owned", whatsAppBusinessAccount.fields],
    ["client", clientAccount.fields],
    ["phoneNumbers", phoneNumber.fields]
  ] as const
  return [
    ...edges.flatMap(([operation, declared]) =>
      MetaSpec.successExamples(operation).map((example): ServerScenario => {
        const items = connection(example.value).data
        return {
          name: `${MetaSpec.operationId(operation)}: "${example.name}"`,
          replies: (request) => request.index === 0 ? { body: example.value } : { body: { data: [] } },
          read: {
            edge: operation,
            id: operation === "phoneNumbers" ? waba : business,
            options: fieldsOf(items, declared)
          },
          expected: { items: items.map(withoutNulls), requests: hasNext(example.value) ? 2 : 1 }
        }
      })
    ),
    ...MetaSpec.successExamples("node").map((example): ServerScenario => {
      const item = example.value as Record<string, unknown>
      return {
        name: `${MetaSpec.operationId("node")}: "${example.name}"`,
        replies: () => ({ body: item }),
        read: { node: "whatsAppBusinessAccount", id: waba, ...fieldsOf([item], whatsAppBusinessAccount.fields) },
        expected: { items: [withoutNulls(item)], requests: 1 }
      }
    })
  ]
}
