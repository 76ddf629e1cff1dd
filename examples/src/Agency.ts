/**
 * The agency job: for each client business, every WhatsApp Business Account it owns AND every one shared
 * with it, with their phone numbers, merged by id — then a report of the numbers that need attention
 * (a quality rating of RED or YELLOW, or a status other than CONNECTED).
 *
 * `inventory` is what a scheduled sync would store; `attention` is what an alert would send.
 */
import type { GraphClient } from "@effect-waba/graph-core"
import { ManagedAccounts } from "@effect-waba/waba"
import * as Effect from "effect/Effect"

/** One WABA with its numbers and where it came from. */
export interface InventoryRow {
  readonly id: string
  readonly name: string | undefined
  readonly status: string | undefined
  /** Every business and edge the account was seen on, e.g. `1234567890/owned`. */
  readonly seenOn: ReadonlyArray<string>
  readonly phoneNumbers: ReadonlyArray<{
    readonly id: string
    readonly display: string | undefined
    readonly quality: string | undefined
    readonly tier: string | undefined
    readonly status: string | undefined
  }>
}

/** A phone number that needs a look, and why. */
export interface Attention {
  readonly wabaId: string
  readonly phoneNumberId: string
  readonly display: string | undefined
  readonly reason: string
}

/**
 * Every account the businesses manage, with its phone numbers; reads that failed (a business that did
 * not grant access, say) are returned beside them rather than stopping the others.
 */
export const inventory = (businessIds: ReadonlyArray<string>) =>
  ManagedAccounts.all(businessIds, {
    fields: ["name", "status"],
    expand: {
      phone_numbers: {
        fields: ["display_phone_number", "quality_rating", "messaging_limit_tier", "status"],
        limit: 100
      }
    },
    concurrency: 4
  }).pipe(
    Effect.map(({ accounts, failures }) => ({
      rows: accounts.map(({ account, sources }): InventoryRow => ({
        id: account.id,
        name: account.name,
        status: account.status,
        seenOn: sources.map((source) => `${source.businessId}/${source.edge}`),
        phoneNumbers: account.phone_numbers.map((number) => ({
          id: number.id,
          display: number.display_phone_number,
          quality: number.quality_rating,
          tier: number.messaging_limit_tier,
          status: number.status
        }))
      })),
      failures: failures.map((failure) => ({
        businessId: failure.businessId,
        edge: failure.edge,
        error: failure.error._tag
      }))
    }))
  )

/** The numbers of an inventory that need attention. */
export const attention = (rows: ReadonlyArray<InventoryRow>): ReadonlyArray<Attention> =>
  rows.flatMap((row) =>
    row.phoneNumbers.flatMap((number): ReadonlyArray<Attention> => {
      const reasons = [
        ...(number.quality === "RED" || number.quality === "YELLOW" ? [`quality ${number.quality}`] : []),
        ...(number.status !== undefined && number.status !== "CONNECTED" ? [`status ${number.status}`] : [])
      ]
      return reasons.length === 0
        ? []
        : [{ wabaId: row.id, phoneNumberId: number.id, display: number.display, reason: reasons.join(", ") }]
    })
  )

/** The whole job: the inventory and its alerts. */
export const run = (
  businessIds: ReadonlyArray<string>
): Effect.Effect<
  {
    readonly rows: ReadonlyArray<InventoryRow>
    readonly alerts: ReadonlyArray<Attention>
    readonly failures: ReadonlyArray<{ readonly businessId: string; readonly edge: string; readonly error: string }>
  },
  ManagedAccounts.Failure["error"],
  GraphClient.GraphClient
> => Effect.map(inventory(businessIds), ({ failures, rows }) => ({ rows, alerts: attention(rows), failures }))
