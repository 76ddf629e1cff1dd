/**
 * Application logic that reads accounts: how many a business owns, by ownership type, and which cannot
 * send messages. It depends on `GraphClient` only, so a test provides the emulator where production
 * provides Meta (see `test/AccountSummary.test.ts`).
 */
import type { GraphClient } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import type * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

export interface Summary {
  readonly total: number
  readonly byOwnership: Readonly<Record<string, number>>
  /** Accounts whose health status says they cannot send messages, by id. */
  readonly blocked: ReadonlyArray<string>
}

export const summarize = (
  businessId: string
): Effect.Effect<Summary, OwnedAccounts.OwnedAccountsError, GraphClient.GraphClient> =>
  OwnedAccounts.stream(businessId, { fields: ["ownership_type", "health_status"], limit: 100 }).pipe(
    Stream.runFold(
      { total: 0, byOwnership: {} as Record<string, number>, blocked: [] as Array<string> },
      (summary, account) => {
        const ownership = account.ownership_type ?? "UNKNOWN"
        summary.byOwnership[ownership] = (summary.byOwnership[ownership] ?? 0) + 1
        if (account.health_status?.can_send_message === "BLOCKED") summary.blocked.push(account.id)
        return { ...summary, total: summary.total + 1 }
      }
    )
  )
