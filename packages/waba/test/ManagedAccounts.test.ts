import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { ManagedAccounts } from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const TOKEN = "EAAGmanagedTestToken0123456789"
const denied = { error: { message: "(#200) Permissions error", type: "OAuthException", code: 200 } }
const numbers = (...ids: Array<string>) => ids.map((id) => ({ id, display_phone_number: `+1 555 ${id}` }))

/** B1 owns W1 and W2 and is shared W2 and W3; B2 owns W3 and may not read its client edge. */
const routes: Record<string, (url: URL) => readonly [number, unknown]> = {
  "/111/owned_whatsapp_business_accounts": () => [200, {
    data: [
      { id: "901", name: "W1" },
      { id: "902", name: "W2" }
    ]
  }],
  "/111/client_whatsapp_business_accounts": () => [200, {
    data: [
      { id: "902", name: "W2", permitted_tasks: ["MANAGE"] },
      {
        id: "903",
        name: "W3",
        permitted_tasks: ["MESSAGING"],
        phone_numbers: {
          data: numbers("7001"),
          paging: { cursors: { after: "N1" }, next: "https://graph.facebook.com/v27.0/903/phone_numbers?after=N1" }
        }
      }
    ]
  }],
  "/222/owned_whatsapp_business_accounts": () => [200, {
    data: [{
      id: "903",
      name: "W3",
      phone_numbers: {
        data: numbers("7001"),
        paging: { cursors: { after: "N1" }, next: "https://graph.facebook.com/v27.0/903/phone_numbers?after=N1" }
      }
    }]
  }],
  "/222/client_whatsapp_business_accounts": () => [403, denied],
  "/903/phone_numbers": () => [200, { data: numbers("7002", "7003") }]
}

const server = () => {
  const seen: Array<URL> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      seen.push(new URL(url.toString()))
      const route = routes[url.pathname.replace(/^\/v\d+\.\d+/, "")]
      const [status, body] = route === undefined ? [400, { error: { message: "no route", code: 100 } }] : route(url)
      return HttpClientResponse.fromWeb(request, new Response(JSON.stringify(body), { status }))
    })
  )
  const layer = GraphClient.layer.pipe(
    Layer.provide(GraphConfig.layer({ accessToken: TOKEN, retry: false })),
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client))
  )
  return { seen, layer }
}

describe("ManagedAccounts", () => {
  it.effect("merges both edges of every business by id, each account once, with every source", () => {
    const graph = server()
    return Effect.gen(function*() {
      const { accounts, failures } = yield* ManagedAccounts.all(["111", "222"], {
        fields: ["name"],
        expand: { phone_numbers: { fields: ["display_phone_number"] } },
        concurrency: 2
      })
      expect(accounts.map((a) => [a.account.id, a.sources])).toEqual([
        ["901", [{ businessId: "111", edge: "owned" }]],
        ["902", [{ businessId: "111", edge: "owned" }, {
          businessId: "111",
          edge: "client",
          permittedTasks: ["MANAGE"]
        }]],
        ["903", [{ businessId: "111", edge: "client", permittedTasks: ["MESSAGING"] }, {
          businessId: "222",
          edge: "owned"
        }]]
      ])
      const w3 = accounts.find((a) => a.account.id === "903")!.account
      expect(w3.phone_numbers.map((p) => p.id)).toEqual(["7001", "7002", "7003"])
      expect(w3).not.toHaveProperty("permitted_tasks")
      expect(accounts.find((a) => a.account.id === "901")!.account.phone_numbers).toEqual([])
      // The permission failure is reported for that business and edge; the others went on.
      expect(failures).toHaveLength(1)
      expect(failures[0]).toMatchObject({ _tag: "Failure", businessId: "222", edge: "client" })
      expect(failures[0]!.error._tag).toBe("GraphPermissionError")
      // W3 was seen twice; its phone numbers were completed once.
      expect(graph.seen.filter((url) => url.pathname.endsWith("/903/phone_numbers"))).toHaveLength(1)
      const client = graph.seen.find((url) => url.pathname.endsWith("/111/client_whatsapp_business_accounts"))!
      expect(client.searchParams.get("fields")).toBe(
        "id,name,permitted_tasks,phone_numbers{id,display_phone_number}"
      )
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("failFast ends the read at the first failure", () => {
    const graph = server()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(ManagedAccounts.all(["222"], { edges: ["client"], failFast: true }))
      expect(error._tag).toBe("GraphPermissionError")
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("one edge only, duplicates in the list read once", () => {
    const graph = server()
    return Effect.gen(function*() {
      const { accounts } = yield* ManagedAccounts.all(["111", "111"], { edges: ["owned"] })
      expect(accounts.map((a) => a.account.id)).toEqual(["901", "902"])
      expect(graph.seen).toHaveLength(1)
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("bad input is refused before any request", () => {
    const graph = server()
    return Effect.gen(function*() {
      const refusals = [
        yield* Effect.flip(ManagedAccounts.all([])),
        yield* Effect.flip(ManagedAccounts.all(["111", "12ab"])),
        yield* Effect.flip(ManagedAccounts.all(["111"], { edges: ["mine" as any] })),
        yield* Effect.flip(ManagedAccounts.all(["111"], { concurrency: 0 })),
        yield* Effect.flip(ManagedAccounts.all(["111"], { fields: ["nmae" as any] }))
      ]
      expect(refusals.map((e) => "parameter" in e && e.parameter)).toEqual([
        "businessIds",
        "businessIds",
        "edges",
        "concurrency",
        "fields"
      ])
      expect(refusals[1]!.message).toContain("\"12ab\"")
      expect(graph.seen).toHaveLength(0)
    }).pipe(Effect.provide(graph.layer))
  })
})
