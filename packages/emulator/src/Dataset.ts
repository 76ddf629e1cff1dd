/**
 * The emulator's deterministic data set: businesses, each owning WhatsApp Business Accounts.
 *
 * Nothing per account is stored. Account `i` of a business is a pure function of `(seed, business, i)`,
 * so a business may own a handful of accounts or ten million and memory stays flat. Two properties make
 * paging and filtering cheap:
 * - `creation_time` never decreases with `i` (neighbours may share a second, as bulk-created accounts do),
 * - ids strictly increase with `i`,
 * so index order *is* `(creation_time, id)` order and a `creation_time` filter is a binary search.
 *
 * @since 0.1.0
 */
import { hash, hex8, pick, seedOf, unit } from "./internal/hash.js"
import * as Node from "./WhatsAppBusinessAccount.js"

/**
 * A business to create: how many accounts it owns, and optionally its id and name.
 *
 * @since 0.1.0
 * @category models
 */
export interface BusinessSpec {
  readonly accounts: number
  readonly id?: string | undefined
  readonly name?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Same seed, same data set. Default `"effect-waba"`. */
  readonly seed?: number | string | undefined
  /**
   * A number of businesses (each owning `accountsPerBusiness` accounts), or one entry per business:
   * an account count or a {@link BusinessSpec}. Default: three businesses owning 137, 12
   * and 0 accounts, the first with id `"1234567890"`.
   */
  readonly businesses?: number | ReadonlyArray<number | BusinessSpec> | undefined
  /** Accounts per business when `businesses` is a count. Default 25. */
  readonly accountsPerBusiness?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Business {
  readonly id: string
  readonly name: string
  /** Position in {@link Dataset.businesses}; part of every hash for this business's accounts. */
  readonly index: number
  /** How many accounts the seed generates (mutations at runtime are tracked by the emulator). */
  readonly accounts: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Dataset {
  readonly seed: number
  readonly businesses: ReadonlyArray<Business>
  readonly findBusiness: (id: string) => Business | undefined
  /** `creation_time` (unix seconds) of generated account `index`; never decreases with `index`. */
  readonly creationTime: (business: Business, index: number) => number
  /** Id of generated account `index`; strictly increases with `index`. */
  readonly accountId: (business: Business, index: number) => string
  /** The index of a generated account from its id, or `undefined` if the seed generates no such id. */
  readonly indexOfAccount: (business: Business, id: string) => number | undefined
  /** One field of generated account `index`, computed alone (paging reads only the requested fields). */
  readonly field: <F extends Node.FieldName>(
    business: Business,
    index: number,
    field: F
  ) => Node.WhatsAppBusinessAccount[F]
  /** Every field of generated account `index`. */
  readonly account: (business: Business, index: number) => Node.WhatsAppBusinessAccount
  /**
   * A new account for runtime additions: the `serial`-th addition to `business`, created at
   * `creationTime`. Its id is above every generated id of that business.
   */
  readonly newAccount: (business: Business, serial: number, creationTime: number) => Node.WhatsAppBusinessAccount
}

/**
 * The most accounts one business may own: ids leave room for ten million per business.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxAccountsPerBusiness = 10_000_000

/**
 * The generated `creation_time`s lie in [2019-01-01, 2025-09-01) UTC, unix seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const creationTimeRange: readonly [number, number] = [1546300800, 1756684800]

// Salts keep each field's random choice independent of the others'.
const enum Salt {
  Name = 1,
  Region,
  Timezone,
  Namespace,
  Review,
  Verification,
  Health,
  Insights,
  Shared,
  Ownership,
  Funding,
  PurchaseOrder,
  Status,
  Limit,
  MarketingLite,
  MarketingOnboarding,
  Partner,
  Time,
  Tie,
  IdJitter,
  BusinessId,
  BusinessName
}

// Added accounts hash in their own key range so they never repeat a generated account's values.
const addedKeyBase = 0x40000000
const accountIdSpan = 20_000_000_000
const addedIdOffset = 10_000_000_000

const regions: ReadonlyArray<
  { readonly country: string; readonly currency: string; readonly tz: ReadonlyArray<string> }
> = [
  { country: "US", currency: "USD", tz: ["1", "7", "11", "15"] },
  { country: "US", currency: "USD", tz: ["1", "7"] },
  { country: "BR", currency: "BRL", tz: ["102", "103"] },
  { country: "BR", currency: "BRL", tz: ["102"] },
  { country: "IN", currency: "INR", tz: ["71"] },
  { country: "IN", currency: "INR", tz: ["71"] },
  { country: "ID", currency: "IDR", tz: ["69", "70"] },
  { country: "MX", currency: "MXN", tz: ["82", "83"] },
  { country: "GB", currency: "GBP", tz: ["25"] },
  { country: "DE", currency: "EUR", tz: ["42"] },
  { country: "ES", currency: "EUR", tz: ["48"] },
  { country: "IT", currency: "EUR", tz: ["50"] },
  { country: "NG", currency: "NGN", tz: ["96"] },
  { country: "ZA", currency: "ZAR", tz: ["140"] },
  { country: "AE", currency: "AED", tz: ["3"] },
  { country: "SG", currency: "SGD", tz: ["130"] },
  { country: "CO", currency: "COP", tz: ["37"] },
  { country: "AR", currency: "ARS", tz: ["6"] }
]

const brandFirst = [
  "Lucky",
  "Blue",
  "Golden",
  "Urban",
  "Green",
  "Bright",
  "Silver",
  "Coral",
  "Happy",
  "North",
  "Sunny",
  "Swift",
  "Maple",
  "Cedar",
  "Nova",
  "Atlas",
  "Pioneer",
  "Harbor",
  "Summit",
  "Velvet"
]
const brandSecond = [
  "Shrub",
  "Bakery",
  "Logistics",
  "Clinic",
  "Outfitters",
  "Motors",
  "Pharmacy",
  "Travel",
  "Foods",
  "Boutique",
  "Telecom",
  "Bank",
  "Academy",
  "Studio",
  "Market",
  "Insurance",
  "Realty",
  "Fitness"
]
const accountSuffix = ["", "", "", " Support", " Sales", " Notifications", " Marketing", " Care", " Alerts", " Orders"]
const businessSuffix = ["Group", "Holdings", "Inc", "Ltd", "Co", "S.A."]

const weighted = <A>(h: number, table: ReadonlyArray<readonly [A, number]>): A => {
  let total = 0
  for (const [, weight] of table) total += weight
  let roll = h % total
  for (const [value, weight] of table) {
    if (roll < weight) return value
    roll -= weight
  }
  return table[0]![0]
}

const reviewWeights = [["APPROVED", 80], ["PENDING", 8], ["REJECTED", 4], ["RESTRICTED", 4], ["DEFERRED", 4]] as const
const verificationWeights = [
  ["verified", 55],
  ["not_verified", 15],
  ["pending", 6],
  ["pending_need_more_info", 3],
  ["pending_submission", 3],
  ["rejected", 4],
  ["failed", 3],
  ["expired", 3],
  ["revoked", 2],
  ["ineligible", 6]
] as const
const healthWeights = [["AVAILABLE", 85], ["LIMITED", 10], ["BLOCKED", 5]] as const
const ownershipWeights = [["SELF", 70], ["CLIENT_OWNED", 20], ["ON_BEHALF_OF", 10]] as const
const statusWeights = [["ACTIVE", 93], ["DISABLED", 5], ["PENDING_DELETION", 2]] as const
const limitWeights = [
  ["TIER_50", 5],
  ["TIER_250", 30],
  ["TIER_1K", 30],
  ["TIER_10K", 18],
  ["TIER_100K", 8],
  ["TIER_UNLIMITED", 4],
  ["UNTIERED", 5]
] as const
const liteWeights = [["ELIGIBLE", 40], ["INELIGIBLE", 35], ["ONBOARDED", 25]] as const
const onboardingWeights = [["ONBOARDED", 30], ["NOT_ONBOARDED", 60], ["PENDING", 10]] as const

const paymentError = {
  error_code: 141006,
  error_description: "There is an error with the payment method. This will block business initiated conversations.",
  possible_solution: "There was an error with your payment method. Please add a new payment method to the account."
}
const verificationError = {
  error_code: 141010,
  error_description: "The Business has not passed business verification.",
  possible_solution: "Visit business settings and start or resolve the business verification request."
}

// The documentation's commands (`waba accounts 1234567890`) run as written against the default data set
// (the CLI's demo and `waba emulator`), so its first business has that id; the others keep generated ids.
const defaultBusinesses: ReadonlyArray<number | BusinessSpec> = [{ accounts: 137, id: "1234567890" }, 12, 0]

const normaliseSpecs = (options: Options): ReadonlyArray<BusinessSpec> => {
  const businesses = options.businesses ?? defaultBusinesses
  if (typeof businesses === "number") {
    const each = options.accountsPerBusiness ?? 25
    return Array.from({ length: businesses }, () => ({ accounts: each }))
  }
  return businesses.map((spec) => typeof spec === "number" ? { accounts: spec } : spec)
}

/**
 * Builds the data set. Cheap: nothing is generated until it is read.
 *
 * @example
 * ```ts
 * import * as Dataset from "@effect-waba/emulator/Dataset"
 *
 * const dataset = Dataset.make({ seed: 7, businesses: [1_000_000] })
 * const business = dataset.businesses[0]!
 * dataset.account(business, 999_999).creation_time // the newest account, generated on demand
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Dataset => {
  const seed = seedOf(options.seed ?? "effect-waba")
  const [t0, t1] = creationTimeRange
  const span = t1 - t0
  const idOffset = (seed % 100) * 1_000_000_000_000

  const businesses: Array<Business> = normaliseSpecs(options).map((spec, index) => {
    if (!Number.isInteger(spec.accounts) || spec.accounts < 0 || spec.accounts > maxAccountsPerBusiness) {
      throw new RangeError(`A business owns between 0 and ${maxAccountsPerBusiness} accounts, got ${spec.accounts}`)
    }
    if (spec.id !== undefined && !/^[0-9]+$/.test(spec.id)) {
      throw new RangeError(`Business ids are numeric strings, got "${spec.id}"`)
    }
    const h = hash(seed, index, Salt.BusinessName)
    return {
      index,
      accounts: spec.accounts,
      id: spec.id ??
        String(100_000_000_000_000 + index * 1_000_000_000_000 + (hash(seed, index, Salt.BusinessId) % 999_999_999)),
      name: spec.name ?? `${pick(brandFirst, h)} ${pick(brandSecond, h >>> 8)} ${pick(businessSuffix, h >>> 16)}`
    }
  })
  const byId = new Map(businesses.map((business) => [business.id, business]))
  if (byId.size !== businesses.length) throw new RangeError("Business ids must be unique")

  const idBase = (business: Business) => 200_000_000_000_000 + idOffset + business.index * accountIdSpan

  // Account i sits at a jittered point of its slot on the time axis; about one in ten shares the second
  // of its predecessor's slot instead. Both rules keep creation_time non-decreasing in i.
  const slotTime = (business: Business, index: number) =>
    t0 + Math.floor((index + unit(seed, business.index, index, Salt.Time)) * span / Math.max(1, business.accounts))
  const creationTime = (business: Business, index: number) =>
    index > 0 && hash(seed, business.index, index, Salt.Tie) % 10 === 0
      ? slotTime(business, index - 1)
      : slotTime(business, index)
  const accountId = (business: Business, index: number) =>
    String(idBase(business) + index * 1000 + (hash(seed, business.index, index, Salt.IdJitter) % 1000))

  const value = (
    business: Business,
    key: number,
    id: () => string,
    time: () => number,
    field: Node.FieldName
  ): unknown => {
    const h = (salt: Salt) => hash(seed, business.index, key, salt)
    switch (field) {
      case "id":
        return id()
      case "creation_time":
        return time()
      case "name": {
        const n = h(Salt.Name)
        return `${pick(brandFirst, n)} ${pick(brandSecond, n >>> 7)}${pick(accountSuffix, n >>> 14)}`
      }
      case "country":
        return pick(regions, h(Salt.Region)).country
      case "currency":
        return pick(regions, h(Salt.Region)).currency
      case "timezone_id":
        return pick(pick(regions, h(Salt.Region)).tz, h(Salt.Timezone))
      case "message_template_namespace": {
        const n = h(Salt.Namespace)
        const hex = hex8(n) + hex8(hash(seed, key, business.index, Salt.Namespace)) + hex8(hash(n, key, 1)) +
          hex8(hash(n, key, 2))
        return `${hex.slice(0, 8)}_${hex.slice(8, 12)}_${hex.slice(12, 16)}_${hex.slice(16, 20)}_${hex.slice(20, 32)}`
      }
      case "account_review_status":
        return weighted(h(Salt.Review), reviewWeights)
      case "business_verification_status":
        return weighted(h(Salt.Verification), verificationWeights)
      case "health_status": {
        // The account-level verdict is the worst of its entities': a limited business limits the account.
        const overall = weighted(h(Salt.Health), healthWeights)
        return {
          can_send_message: overall,
          entities: [
            overall === "BLOCKED"
              ? { entity_type: "WABA", id: id(), can_send_message: "BLOCKED", errors: [paymentError] }
              : { entity_type: "WABA", id: id(), can_send_message: "AVAILABLE" },
            overall === "LIMITED"
              ? {
                entity_type: "BUSINESS",
                id: business.id,
                can_send_message: "LIMITED",
                errors: [verificationError]
              }
              : { entity_type: "BUSINESS", id: business.id, can_send_message: "AVAILABLE" },
            { entity_type: "APP", id: String(900_000_000_000_000 + (seed % 1_000_000)), can_send_message: "AVAILABLE" }
          ]
        }
      }
      case "is_enabled_for_insights":
        return h(Salt.Insights) % 3 !== 0
      case "is_shared_with_partners":
        return h(Salt.Shared) % 4 === 0
      case "ownership_type":
        return weighted(h(Salt.Ownership), ownershipWeights)
      case "on_behalf_of_business_info": {
        const ownership = weighted(h(Salt.Ownership), ownershipWeights)
        if (ownership === "SELF") return undefined
        const p = h(Salt.Partner)
        return {
          id: String(100_000_000_000_000 + 500_000_000_000_000 + (p % 999_999_999)),
          name: `${pick(brandFirst, p >>> 3)} ${pick(brandSecond, p >>> 11)} ${pick(businessSuffix, p >>> 19)}`,
          status: p % 13 === 0 ? "PENDING" : "APPROVED",
          type: ownership === "ON_BEHALF_OF" ? "PARTNER" : "SELF"
        }
      }
      case "primary_funding_id":
        return String(1_000_000_000_000_000 + h(Salt.Funding) * 100_000 + (key % 100_000))
      case "purchase_order_number": {
        const p = h(Salt.PurchaseOrder)
        return p % 10 < 4
          ? `PO-${new Date(time() * 1000).getUTCFullYear()}-${String(p % 1_000_000).padStart(6, "0")}`
          : undefined
      }
      case "status":
        return weighted(h(Salt.Status), statusWeights)
      case "owner_business_info":
        return { id: business.id, name: business.name }
      case "whatsapp_business_manager_messaging_limit":
        return weighted(h(Salt.Limit), limitWeights)
      case "marketing_messages_lite_api_status":
        return weighted(h(Salt.MarketingLite), liteWeights)
      case "marketing_messages_onboarding_status":
        return weighted(h(Salt.MarketingOnboarding), onboardingWeights)
    }
  }

  const whole = (business: Business, key: number, id: () => string, time: () => number) => {
    const account: Record<string, unknown> = {}
    for (const name of Node.fieldNames) {
      const v = value(business, key, id, time, name)
      if (v !== undefined) account[name] = v
    }
    return account as Node.WhatsAppBusinessAccount
  }

  return {
    seed,
    businesses,
    findBusiness: (id) => byId.get(id),
    creationTime,
    accountId,
    indexOfAccount: (business, id) => {
      if (!/^[0-9]+$/.test(id)) return undefined
      const index = Math.floor((Number(id) - idBase(business)) / 1000)
      return index >= 0 && index < business.accounts && accountId(business, index) === id ? index : undefined
    },
    field: (business, index, field) =>
      value(business, index, () => accountId(business, index), () => creationTime(business, index), field) as any,
    account: (business, index) =>
      whole(business, index, () => accountId(business, index), () => creationTime(business, index)),
    newAccount: (business, serial, time) => {
      const key = addedKeyBase + serial
      const id = String(idBase(business) + addedIdOffset + serial * 1000 + (hash(seed, business.index, key) % 1000))
      return whole(business, key, () => id, () => time)
    }
  }
}
