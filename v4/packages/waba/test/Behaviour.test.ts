/**
 * The shared behaviour tables (`checks/behaviour/scenarios.ts`) on the Effect 4 line. The Effect 3 line runs
 * the same tables in `packages/waba/test/Behaviour.test.ts`.
 */
import { describe, expect, it } from "vitest"
import { run } from "../../../../checks/behaviour/harness.js"
import { tables } from "../../../../checks/behaviour/scenarios.js"
import { line } from "./behaviourLine.js"

/**
 * Scenarios this line fails today, with why. They run as `it.fails`: listed in every run, and red as soon as
 * the line is mended (then remove them here).
 */
const knownBugs: ReadonlyMap<string, string> = new Map([
  [
    "an account on two pages arrives once",
    "an edge read does not drop an account a later page repeats (no de-duplication by id within one read)"
  ],
  [
    "a null in the list of accounts is skipped",
    "a null element of `data` fails the whole page with GraphDecodeError (Expected object at [\"data\"][1]); " +
    "the Effect 3 line skips it"
  ],
  [
    "the fan-out reads each account once with its phone numbers; a business's failure is reported alone",
    "an account seen on two businesses at once has its further phone-number pages read twice " +
    "(two requests of /903/phone_numbers); the Effect 3 line completes it once"
  ]
])

describe("the shared behaviour (Effect 4)", () => {
  const names = Object.values(tables).flatMap((scenarios) => scenarios.map((scenario) => scenario.name))
  it("every known bug names a scenario", () => expect(names).toEqual(expect.arrayContaining([...knownBugs.keys()])))
  for (const [table, scenarios] of Object.entries(tables)) {
    describe(table, () => {
      for (const scenario of scenarios) {
        const bug = knownBugs.get(scenario.name)
        if (bug === undefined) it(scenario.name, () => run(scenario, line))
        else it.fails(`${scenario.name} [KNOWN BUG: ${bug}]`, () => run(scenario, line))
      }
    })
  }
})
