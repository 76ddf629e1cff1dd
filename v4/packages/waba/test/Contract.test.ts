/**
 * The contract test against Meta's own OpenAPI spec on the Effect 4 line: the cases the Effect 3 line runs
 * (`packages/waba/test/contract/Cases.ts`), against Prism serving the spec, and every example answer in the
 * spec decoded through the public reads.
 */
import { afterAll, beforeAll, describe, it } from "vitest"
import { run } from "../../../../checks/behaviour/harness.js"
import { exampleScenarios, runCase, specCases } from "../../../../packages/waba/test/contract/Cases.js"
import * as MetaSpec from "../../../../packages/waba/test/contract/MetaSpec.js"
import * as Prism from "../../../../packages/waba/test/contract/Prism.js"
import * as Proxy from "../../../../packages/waba/test/contract/Proxy.js"
import { line } from "./behaviourLine.js"

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

describe("Meta's spec, as Prism validates it (Effect 4)", () => {
  for (const specCase of specCases) {
    it(specCase.name, () => runCase(specCase, line, recording))
  }
})

describe("every example answer in Meta's spec decodes (Effect 4)", () => {
  for (const scenario of exampleScenarios()) {
    it(scenario.name, () => run(scenario, line))
  }
})
