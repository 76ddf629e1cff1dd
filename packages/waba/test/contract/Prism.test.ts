/**
 * The contract test against Meta's own OpenAPI spec (issue 13, item 7) on the Effect 3 line: the cases of
 * `Cases.ts`, which the Effect 4 line runs too (`v4/packages/waba/test/Contract.test.ts`), over Node's HTTP
 * client and over `fetch`, and every example answer in the spec decoded through the public reads.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { run } from "../../../../checks/behaviour/harness.js"
import { line, lineWith } from "../behaviourLine.js"
import { exampleScenarios, runCase, specCases } from "./Cases.js"
import * as MetaSpec from "./MetaSpec.js"
import * as Prism from "./Prism.js"
import * as Proxy from "./Proxy.js"

let prism: Prism.RunningPrism
let recording: Proxy.Recording
let routingView: ReturnType<typeof MetaSpec.writeRoutingView>

beforeAll(async () => {
  routingView = MetaSpec.writeRoutingView()
  prism = await Prism.start(routingView.file)
  recording = await Proxy.record(prism.url)
}, 120_000)

afterAll(async () => {
  await recording?.stop()
  await prism?.stop()
  routingView?.remove()
})

describe("Meta's spec, as Prism validates it", () => {
  it("the routing view is needed: the full spec has fifteen GET operations on /{Version}/{id}", () => {
    const routes = MetaSpec.ambiguousNodeRoutes()
    expect(routes).toContain(MetaSpec.paths.node)
    expect(routes).toContain("/{Version}/{WhatsApp-Business-Profile-ID}")
    expect(routes).toHaveLength(15)
  })

  // Over fetch the User-Agent must replace fetch's own `node`, which the spec's pattern refuses.
  for (const [transport, over] of [["Node's HTTP client", lineWith(NodeHttpClient.layer)], ["fetch", line]] as const) {
    for (const specCase of specCases) {
      it.live(`${specCase.name} (over ${transport})`, () => Effect.promise(() => runCase(specCase, over, recording)))
    }
  }
})

describe("every example answer in Meta's spec decodes", () => {
  for (const scenario of exampleScenarios()) {
    it.live(scenario.name, () => Effect.promise(() => run(scenario, line)))
  }

  it("the spec has examples for each of the four reads", () => {
    for (const operation of Object.keys(MetaSpec.paths) as Array<MetaSpec.Operation>) {
      expect(MetaSpec.successExamples(operation).length, operation).toBeGreaterThan(0)
    }
  })
})
