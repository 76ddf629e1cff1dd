/**
 * The read surface the emulator serves: the client's own edge and node declarations, each registered
 * with the list it reads from the data model.
 *
 * @internal
 */
import { ClientAccounts, OwnedAccounts, PhoneNumbers, WhatsAppBusinessAccount } from "@effect-waba/waba"
import * as EmulatorEdges from "../EmulatorEdges.js"

/** @internal */
export const edges: ReadonlyArray<EmulatorEdges.EdgeRoute> = [
  EmulatorEdges.serve(
    OwnedAccounts.edge,
    (world, parent) => parent._tag === "Business" ? world.owned(parent.business) : undefined
  ),
  EmulatorEdges.serve(
    ClientAccounts.edge,
    (world, parent) => parent._tag === "Business" ? world.clients(parent.business) : undefined
  ),
  // Meta's spec writes this edge's sorts as `creation_time.asc`; whether Graph also takes the owned edge's
  // `creation_time_ascending` form is not known, so both are accepted.
  EmulatorEdges.serve(
    PhoneNumbers.edge,
    (world, parent) => parent._tag === "Account" ? world.phones(parent.account) : undefined,
    { sortAliases: true }
  )
]

/** @internal */
export const nodes: ReadonlyArray<EmulatorEdges.NodeRoute> = [
  EmulatorEdges.node(
    WhatsAppBusinessAccount.node,
    (world, parent) => parent._tag === "Account" ? world.single(parent.account) : undefined
  )
]
