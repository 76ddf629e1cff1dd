import type { Transport } from "../Clients.js"
import type { Settings } from "../Settings.js"

/** What every scenario is given. */
export interface ScenarioContext {
  readonly settings: Settings
  readonly log: (line: string) => void
  /** The transport the other scenarios use for effect-waba: the fastest in the throughput scenario. */
  headline: Transport
}
