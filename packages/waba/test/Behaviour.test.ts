/**
 * The shared behaviour tables (`checks/behaviour/scenarios.ts`) on the Effect 3 line. The Effect 4 line runs
 * the same tables in `v4/packages/waba/test/Behaviour.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { run } from "../../../checks/behaviour/harness.js"
import { tables } from "../../../checks/behaviour/scenarios.js"
import { line } from "./behaviourLine.js"

/**
 * Scenarios this line fails today, with why. They run as `it.fails`: listed in every run, and red as soon as
 * the line is mended (then remove them here).
 */
const knownBugs: ReadonlyMap<string, string> = new Map()

describe("the shared behaviour (Effect 3)", () => {
  const names = Object.values(tables).flatMap((scenarios) => scenarios.map((scenario) => scenario.name))
  it("every known bug names a scenario", () => expect(names).toEqual(expect.arrayContaining([...knownBugs.keys()])))
  for (const [table, scenarios] of Object.entries(tables)) {
    describe(table, () => {
      for (const scenario of scenarios) {
        const bug = knownBugs.get(scenario.name)
        if (bug === undefined) it.live(scenario.name, () => Effect.promise(() => run(scenario, line)))
        else it.live.fails(`${scenario.name} [KNOWN BUG: ${bug}]`, () => Effect.promise(() => run(scenario, line)))
      }
    })
  }
})
