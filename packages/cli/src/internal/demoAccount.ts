/**
 * In the demo, the WhatsApp Business Account a command reads when none is named: the first demo
 * business's first account with phone numbers (it has more than one page of them).
 *
 * @internal
 */
import type * as Emulator from "@effect-waba/emulator/Emulator"
import * as Option from "effect/Option"
import type * as GraphTarget from "../GraphTarget.js"

/** @internal */
export const demo = (what: string): GraphTarget.Request["demo"] => (emulator, id) => {
  const dataset = emulator.dataset
  const business = dataset.businesses[0]!
  const chosen = Option.getOrElse(id, () => firstWithPhones(emulator))
  const where = Option.isSome(id)
    ? `account ${chosen}`
    : `account ${chosen} of demo business ${business.id} ("${business.name}")`
  return {
    id: chosen,
    notice: `waba: no access token (GRAPH_ACCESS_TOKEN or --token), so this is a demo: ${what} ${where} from an ` +
      `embedded emulator.`
  }
}

const firstWithPhones = (emulator: Emulator.EmulatorService): string => {
  const dataset = emulator.dataset
  const business = dataset.businesses[0]!
  for (let index = 0; index < business.accounts; index++) {
    if (dataset.phoneCount(business, index) > 0) return dataset.accountId(business, index)
  }
  return dataset.accountId(business, 0)
}
