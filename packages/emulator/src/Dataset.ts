/**
 * The emulator's deterministic data set: businesses that own WhatsApp Business Accounts (WABAs) and share
 * some of them with partner businesses, and the phone numbers of every WABA.
 *
 * Nothing per account is stored. Account `i` of a business, and phone number `j` of that account, are pure
 * functions of `(seed, business, i[, j])`, so a business may own a handful of accounts or ten million and
 * memory stays flat. Two properties make paging and filtering cheap:
 * - `creation_time` never decreases with `i` (neighbours may share a second, as bulk-created accounts do),
 * - ids strictly increase with `i`,
 * so index order *is* `(creation_time, id)` order and a `creation_time` filter is a binary search. Phone
 * numbers follow the same rule with their onboarding time.
 *
 * Shares (the `client_whatsapp_business_accounts` edge) are the one list that is built: a business's
 * client list holds `clientAccounts` entries picked from the other businesses' accounts (and now and then
 * one of its own, so an account can sit on both edges of one business), computed when first read.
 *
 * Values are wire values (what Graph puts in JSON: unix seconds, ISO times, strings), and they are
 * generated for the fields the client declares (`WhatsAppBusinessAccount.node`, `PhoneNumber.node`), so
 * the two cannot drift apart unnoticed: the emulator's drift test decodes them with the client's schemas.
 *
 * @since 0.1.0
 */
import { PhoneNumber as PhoneNode, WhatsAppBusinessAccount as WabaNode } from "@effect-waba/waba"
import type * as Schema from "effect/Schema"
import { hash, hex8, pick, seedOf, unit } from "./internal/hash.js"

/**
 * An account as Graph sends it: the node's wire form, with the id a string and `creation_time` unix
 * seconds.
 *
 * @since 0.2.0
 * @category models
 */
export type Account =
  & Wire<Omit<AccountEncoded, "id" | "creation_time" | SometimesAbsent>>
  & Partial<Wire<Pick<AccountEncoded, SometimesAbsent>>>
  & { readonly id: string; readonly creation_time: number }

type AccountEncoded = Required<Schema.Schema.Encoded<typeof WabaNode.node.schema>>

// The account fields the data set leaves out for some accounts (as Graph does when they have no value);
// every other field is always generated.
type SometimesAbsent =
  | "on_behalf_of_business_info"
  | "purchase_order_number"
  | "linked_commerce_account"
  | "marketing_messages_ad_account"

// The records hold values only (the null quirk is applied when a reply is written), so `null` is no part
// of their types.
type Wire<T> = { readonly [K in keyof T]: Exclude<T[K], null> }

/**
 * A field of the account node.
 *
 * @since 0.2.0
 * @category models
 */
export type AccountField = keyof Account & string

/**
 * An account as the client edge sends it: the node plus what this business may do with it.
 *
 * @since 0.2.0
 * @category models
 */
export type ClientAccount = Account & { readonly permitted_tasks: ReadonlyArray<string> }

/**
 * A phone number as Graph sends it.
 *
 * @since 0.2.0
 * @category models
 */
export type PhoneNumber =
  & Wire<Omit<Schema.Schema.Encoded<typeof PhoneNode.node.schema>, "id">>
  & { readonly id: string }

/**
 * A field of the phone number node.
 *
 * @since 0.2.0
 * @category models
 */
export type PhoneField = keyof PhoneNumber & string

/**
 * A business to create: how many accounts it owns, how many other accounts are shared with it, how many
 * phone numbers its accounts have, and optionally its id and name.
 *
 * @since 0.1.0
 * @category models
 */
export interface BusinessSpec {
  readonly accounts: number
  readonly id?: string | undefined
  readonly name?: string | undefined
  /**
   * How many accounts other businesses share with this one (its client edge); duplicates picked by chance
   * collapse, so the edge may hold a few fewer. Default 0.
   */
  readonly clientAccounts?: number | undefined
  /** Phone numbers of every account; default: a realistic mix of 0 to 8, most accounts having 1 or 2. */
  readonly phoneNumbers?: number | undefined
  /** Accounts (by index) with a given number of phone numbers, e.g. `{ 0: 150 }` for nested paging. */
  readonly manyPhoneNumbers?: Readonly<Record<number, number>> | undefined
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
   * an account count or a {@link BusinessSpec}. Default {@link defaultBusinesses}.
   */
  readonly businesses?: number | ReadonlyArray<number | BusinessSpec> | undefined
  /** Accounts per business when `businesses` is a count. Default 25. */
  readonly accountsPerBusiness?: number | undefined
  /** Client accounts per business when `businesses` is a count. Default: up to 10. */
  readonly clientAccountsPerBusiness?: number | undefined
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
  /** How many share picks the client edge is built from. */
  readonly clientAccounts: number
}

/**
 * One account shared with a business: whose it is, which, and what the business may do with it.
 *
 * @since 0.2.0
 * @category models
 */
export interface Share {
  readonly owner: Business
  readonly index: number
  readonly id: string
  readonly creationTime: number
  readonly permittedTasks: ReadonlyArray<string>
}

/**
 * Where an account id lives: the owner, and the generated index (absent for an id in the owner's range of
 * runtime additions).
 *
 * @since 0.2.0
 * @category models
 */
export interface AccountLocation {
  readonly business: Business
  readonly index: number | undefined
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
  /** Which business an account id belongs to (generated or in its range of runtime additions). */
  readonly locateAccount: (id: string) => AccountLocation | undefined
  /** One field of generated account `index` as sent on the wire, computed alone. */
  readonly field: <F extends AccountField>(business: Business, index: number, field: F) => Account[F]
  /** Every field of generated account `index`. */
  readonly account: (business: Business, index: number) => Account
  /**
   * A new account for runtime additions: the `serial`-th addition to `business`, created at
   * `creationTime`. Its id is above every generated id of that business.
   */
  readonly newAccount: (business: Business, serial: number, creationTime: number) => Account
  /** The accounts shared with a business, in `(creation_time, id)` order. */
  readonly shares: (business: Business) => ReadonlyArray<Share>
  /** How many phone numbers generated account `index` has. */
  readonly phoneCount: (business: Business, index: number) => number
  /** Id of phone number `j` of account `index`; strictly increases with `j`. */
  readonly phoneId: (business: Business, index: number, j: number) => string
  /** The index of a generated phone number of account `index` from its id. */
  readonly indexOfPhone: (business: Business, index: number, id: string) => number | undefined
  /** When phone number `j` was last onboarded, unix seconds; never decreases with `j`. */
  readonly onboardedAt: (business: Business, index: number, j: number) => number
  /** One field of a generated phone number as sent on the wire. */
  readonly phoneField: <F extends PhoneField>(business: Business, index: number, j: number, field: F) => PhoneNumber[F]
  /** Every field of a generated phone number. */
  readonly phoneNumber: (business: Business, index: number, j: number) => PhoneNumber
  /** A phone number added at runtime to the account `accountId` (whose country it takes), the `serial`-th. */
  readonly newPhoneNumber: (accountId: string, country: string | undefined, serial: number, time: number) => PhoneNumber
}

/**
 * The most accounts one business may own: ids leave room for ten million per business.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxAccountsPerBusiness = 10_000_000

/**
 * The most phone numbers one generated account may have.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxPhoneNumbersPerAccount = 1000

/**
 * The generated `creation_time`s lie in [2019-01-01, 2025-09-01) UTC, unix seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const creationTimeRange: readonly [number, number] = [1546300800, 1756684800]

/**
 * The default data set: a partner business (id `1234567890`) owning 137 accounts, with accounts shared
 * by the second business and two accounts of more than 100 phone numbers; a second business owning 12;
 * an empty one.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultBusinesses: ReadonlyArray<BusinessSpec> = [
  { id: "1234567890", accounts: 137, clientAccounts: 24, manyPhoneNumbers: { 0: 150, 2: 101 } },
  { accounts: 12, clientAccounts: 6 },
  { accounts: 0 }
]

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
  BusinessName,
  PriceEnroll,
  Marketing,
  Archival,
  Analytics,
  AuthRate,
  Commerce,
  AdAccount,
  Share,
  ShareIndex,
  Tasks,
  PhoneCount,
  Phone,
  Onboarded,
  PhoneRegion,
  Digits,
  Digits2,
  PhoneStatus,
  Quality,
  CodeVerification,
  Cert,
  Mode,
  Platform,
  Tier,
  Official,
  Username,
  NameStatus,
  Throughput,
  AddedPhone
}

// The fields generated: the client's declarations, so a field it adds is noticed by the drift test.
const accountFields: ReadonlyArray<string> = WabaNode.node.fieldNames
const phoneFields: ReadonlyArray<string> = PhoneNode.node.fieldNames

// Added accounts hash in their own key range so they never repeat a generated account's values.
const addedKeyBase = 0x40000000
const accountIdSpan = 20_000_000_000
const addedIdOffset = 10_000_000_000

interface Region {
  readonly country: string
  readonly currency: string
  readonly tz: ReadonlyArray<string>
  readonly dial: string
  /** How a mobile number of the country is displayed; each `#` is a digit. */
  readonly format: string
}

const regions: ReadonlyArray<Region> = [
  { country: "US", currency: "USD", tz: ["1", "7", "11", "15"], dial: "1", format: "+1 ###-555-####" },
  { country: "US", currency: "USD", tz: ["1", "7"], dial: "1", format: "+1 ###-555-####" },
  { country: "BR", currency: "BRL", tz: ["102", "103"], dial: "55", format: "+55 11 9####-####" },
  { country: "BR", currency: "BRL", tz: ["102"], dial: "55", format: "+55 21 9####-####" },
  { country: "IN", currency: "INR", tz: ["71"], dial: "91", format: "+91 98### #####" },
  { country: "IN", currency: "INR", tz: ["71"], dial: "91", format: "+91 70### #####" },
  { country: "ID", currency: "IDR", tz: ["69", "70"], dial: "62", format: "+62 812-####-####" },
  { country: "MX", currency: "MXN", tz: ["82", "83"], dial: "52", format: "+52 55 #### ####" },
  { country: "GB", currency: "GBP", tz: ["25"], dial: "44", format: "+44 7700 9#####" },
  { country: "DE", currency: "EUR", tz: ["42"], dial: "49", format: "+49 151 ########" },
  { country: "ES", currency: "EUR", tz: ["48"], dial: "34", format: "+34 6## ## ## ##" },
  { country: "IT", currency: "EUR", tz: ["50"], dial: "39", format: "+39 3## ### ####" },
  { country: "NG", currency: "NGN", tz: ["96"], dial: "234", format: "+234 803 ### ####" },
  { country: "ZA", currency: "ZAR", tz: ["140"], dial: "27", format: "+27 82 ### ####" },
  { country: "AE", currency: "AED", tz: ["3"], dial: "971", format: "+971 50 ### ####" },
  { country: "SG", currency: "SGD", tz: ["130"], dial: "65", format: "+65 8### ####" },
  { country: "CO", currency: "COP", tz: ["37"], dial: "57", format: "+57 3## #######" },
  { country: "AR", currency: "ARS", tz: ["6"], dial: "54", format: "+54 9 11 ####-####" }
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
  ["TIER_2K", 30],
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

const priceEnrollWeights = [["ENROLLED", 25], ["NOT_ENROLLED", 65], ["PENDING", 10]] as const
const phoneStatusWeights = [
  ["CONNECTED", 85],
  ["PENDING", 4],
  ["DISCONNECTED", 3],
  ["FLAGGED", 2],
  ["RESTRICTED", 2],
  ["MIGRATED", 2],
  ["RATE_LIMITED", 1],
  ["BANNED", 1]
] as const
const qualityWeights = [["GREEN", 70], ["YELLOW", 12], ["RED", 5], ["UNKNOWN", 13]] as const
const codeVerificationWeights = [["VERIFIED", 82], ["NOT_VERIFIED", 12], ["EXPIRED", 6]] as const
const certWeights = [["APPROVED", 84], ["NAME_PENDING_REVIEW", 8], ["NAME_NOT_APPROVED", 4], [
  "LIMITED_ACCESS",
  4
]] as const
const nameStatusWeights = [["APPROVED", 80], ["AVAILABLE_WITHOUT_REVIEW", 8], ["PENDING_REVIEW", 8], [
  "DECLINED",
  4
]] as const
const platformWeights = [["CLOUD_API", 85], ["ON_PREMISE", 15]] as const
// A number's own tier: the same ladder as the account's, without the pre-2K "TIER_1K" of older material.
const tierWeights = [
  ["TIER_50", 4],
  ["TIER_250", 30],
  ["TIER_2K", 30],
  ["TIER_10K", 20],
  ["TIER_100K", 8],
  ["TIER_UNLIMITED", 4],
  ["UNTIERED", 4]
] as const
const phoneCountWeights = [[0, 14], [1, 46], [2, 20], [3, 9], [4, 5], [5, 3], [8, 3]] as const
const taskSets: ReadonlyArray<ReadonlyArray<string>> = [
  ["MANAGE", "DEVELOP", "MANAGE_TEMPLATES", "MANAGE_PHONE", "VIEW_COST", "MANAGE_EXTENSIONS"],
  ["MANAGE", "DEVELOP"],
  ["DEVELOP"],
  ["MANAGE_TEMPLATES", "VIEW_TEMPLATES"],
  ["VIEW_COST", "VIEW_PHONE_ASSETS"],
  ["MANAGE", "MANAGE_PHONE", "MANAGE_PHONE_ASSETS", "MESSAGING"],
  ["MESSAGING", "VIEW_INSIGHTS"]
]

const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "+0000")

const digits = (format: string, h1: number, h2: number): string => {
  let k = 0
  let out = ""
  for (const char of format) {
    if (char !== "#") {
      out += char
      continue
    }
    const h = k < 8 ? h1 : h2
    out += String(Math.floor(h / 10 ** (k % 8)) % 10)
    k++
  }
  return out
}

const integer = (name: string, value: number, max: number): number => {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be a whole number between 0 and ${max}, got ${value}`)
  }
  return value
}

const normaliseSpecs = (options: Options): ReadonlyArray<BusinessSpec> => {
  const businesses = options.businesses ?? defaultBusinesses
  if (typeof businesses === "number") {
    const each = options.accountsPerBusiness ?? 25
    const clients = options.clientAccountsPerBusiness ?? Math.min(10, each)
    return Array.from({ length: businesses }, () => ({ accounts: each, clientAccounts: clients }))
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
  const phoneOffset = (seed % 50) * 1_000_000_000_000
  const specs = normaliseSpecs(options)

  const businesses: Array<Business> = specs.map((spec, index) => {
    integer("A business's account count", spec.accounts, maxAccountsPerBusiness)
    integer("clientAccounts", spec.clientAccounts ?? 0, maxAccountsPerBusiness)
    if (spec.phoneNumbers !== undefined) integer("phoneNumbers", spec.phoneNumbers, maxPhoneNumbersPerAccount)
    for (const [at, count] of Object.entries(spec.manyPhoneNumbers ?? {})) {
      integer(`manyPhoneNumbers[${at}]`, count, maxPhoneNumbersPerAccount)
    }
    if (spec.id !== undefined && !/^[0-9]+$/.test(spec.id)) {
      throw new RangeError(`Business ids are numeric strings, got "${spec.id}"`)
    }
    const h = hash(seed, index, Salt.BusinessName)
    return {
      index,
      accounts: spec.accounts,
      clientAccounts: spec.clientAccounts ?? 0,
      id: spec.id ??
        String(100_000_000_000_000 + index * 1_000_000_000_000 + (hash(seed, index, Salt.BusinessId) % 999_999_999)),
      name: spec.name ?? `${pick(brandFirst, h)} ${pick(brandSecond, h >>> 8)} ${pick(businessSuffix, h >>> 16)}`
    }
  })
  const byId = new Map(businesses.map((business) => [business.id, business]))
  if (byId.size !== businesses.length) throw new RangeError("Business ids must be unique")

  const accountBase = 200_000_000_000_000 + idOffset
  const idBase = (business: Business) => accountBase + business.index * accountIdSpan

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
  const indexOfAccount = (business: Business, id: string) => {
    if (!/^[0-9]+$/.test(id)) return undefined
    const index = Math.floor((Number(id) - idBase(business)) / 1000)
    return index >= 0 && index < business.accounts && accountId(business, index) === id ? index : undefined
  }

  const brand = (business: Business, key: number) => {
    const n = hash(seed, business.index, key, Salt.Name)
    return { n, text: `${pick(brandFirst, n)} ${pick(brandSecond, n >>> 7)}` }
  }

  const value = (
    business: Business,
    key: number,
    id: () => string,
    time: () => number,
    field: string
  ): unknown => {
    const h = (salt: Salt) => hash(seed, business.index, key, salt)
    switch (field) {
      case "id":
        return id()
      case "creation_time":
        return time()
      case "name": {
        const { n, text } = brand(business, key)
        return `${text}${pick(accountSuffix, n >>> 14)}`
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
      case "owner_business":
        return { id: business.id, name: business.name }
      case "whatsapp_business_manager_messaging_limit":
        return weighted(h(Salt.Limit), limitWeights)
      case "marketing_messages_lite_api_status":
        return weighted(h(Salt.MarketingLite), liteWeights)
      case "marketing_messages_onboarding_status":
        return weighted(h(Salt.MarketingOnboarding), onboardingWeights)
      case "whatsapp_manager_marketing_messages_max_price_enroll_status":
        return weighted(h(Salt.PriceEnroll), priceEnrollWeights)
      case "disable_marketing_messages_on_cloud_api":
        return h(Salt.Marketing) % 9 === 0
      case "template_auto_archival_enabled":
        return h(Salt.Archival) % 5 !== 0
      case "analytics": {
        const a = h(Salt.Analytics)
        return { granularity: "DAY", data_points_available: a % 7 !== 0, phone_numbers: a % 3 }
      }
      case "auth_international_rate_eligibility": {
        const a = h(Salt.AuthRate)
        const region = pick(regions, h(Salt.Region))
        return { start_time: time() + 86_400 * (a % 365), exception_countries: a % 4 === 0 ? [region.country] : [] }
      }
      case "linked_commerce_account": {
        const c = h(Salt.Commerce)
        return c % 3 === 0 ? { id: String(700_000_000_000_000 + (c % 99_999_999)) } : undefined
      }
      case "marketing_messages_ad_account": {
        const c = h(Salt.AdAccount)
        return c % 4 === 0 ? { id: `act_${300_000_000_000_000 + (c % 99_999_999)}` } : undefined
      }
      case "primary_business_location":
        return pick(regions, h(Salt.Region)).country
      default:
        return undefined
    }
  }

  const whole = (business: Business, key: number, id: () => string, time: () => number): Account => {
    const account: Record<string, unknown> = {}
    for (const name of accountFields) {
      const v = value(business, key, id, time, name)
      if (v !== undefined) account[name] = v
    }
    return account as Account
  }

  const locateAccount = (id: string): AccountLocation | undefined => {
    if (!/^[0-9]{1,16}$/.test(id)) return undefined
    const offset = Number(id) - accountBase
    if (offset < 0) return undefined
    const business = businesses[Math.floor(offset / accountIdSpan)]
    if (business === undefined) return undefined
    const index = indexOfAccount(business, id)
    if (index !== undefined) return { business, index }
    return offset - business.index * accountIdSpan >= addedIdOffset ? { business, index: undefined } : undefined
  }

  // --- shares ---
  const shareMemo = new Map<number, ReadonlyArray<Share>>()
  const owners = businesses.filter((business) => business.accounts > 0)
  const shares = (business: Business): ReadonlyArray<Share> => {
    const memo = shareMemo.get(business.index)
    if (memo !== undefined) return memo
    const others = owners.filter((owner) => owner !== business)
    const seen = new Set<string>()
    const out: Array<Share> = []
    for (let k = 0; k < business.clientAccounts; k++) {
      const h = hash(seed, business.index, k, Salt.Share)
      // Now and then the business's own account is shared back to it: it then sits on both of its edges.
      const owner = (h % 8 === 0 || others.length === 0) && business.accounts > 0
        ? business
        : others.length > 0
        ? pick(others, h >>> 3)
        : undefined
      if (owner === undefined) break
      const index = hash(seed, business.index, k, Salt.ShareIndex) % owner.accounts
      const id = accountId(owner, index)
      if (seen.has(id)) continue
      seen.add(id)
      out.push({
        owner,
        index,
        id,
        creationTime: creationTime(owner, index),
        permittedTasks: pick(taskSets, hash(seed, business.index, k, Salt.Tasks))
      })
    }
    out.sort((a, b) => a.creationTime - b.creationTime || Number(a.id) - Number(b.id))
    shareMemo.set(business.index, out)
    return out
  }

  // --- phone numbers ---
  const phoneCount = (business: Business, index: number): number => {
    const spec = specs[business.index]!
    const many = spec.manyPhoneNumbers?.[index]
    if (many !== undefined) return many
    if (spec.phoneNumbers !== undefined) return spec.phoneNumbers
    return weighted(hash(seed, business.index, index, Salt.PhoneCount), phoneCountWeights)
  }
  const phoneBase = (business: Business, index: number) =>
    400_000_000_000_000 + phoneOffset + business.index * 10_000_000_000 + index * 1000
  const phoneId = (business: Business, index: number, j: number) => String(phoneBase(business, index) + j)
  const indexOfPhone = (business: Business, index: number, id: string) => {
    if (!/^[0-9]+$/.test(id)) return undefined
    const j = Number(id) - phoneBase(business, index)
    return j >= 0 && j < phoneCount(business, index) ? j : undefined
  }
  // Numbers join an account one after another between its creation and the end of the time range.
  const onboardedAt = (business: Business, index: number, j: number) => {
    const start = creationTime(business, index)
    const end = t1 + 86_400 * 30
    const count = Math.max(1, phoneCount(business, index))
    const key = hash(seed, business.index, index, Salt.Phone)
    return start + Math.floor((j + unit(key, j, Salt.Onboarded)) * (end - start) / count)
  }

  const phoneValue = (
    region: Region,
    verifiedName: string,
    key: number,
    id: () => string,
    onboarded: () => number,
    wabaId: () => string,
    field: string
  ): unknown => {
    const h = (salt: Salt) => hash(key, seed, salt)
    switch (field) {
      case "id":
        return id()
      case "display_phone_number":
        return digits(region.format, h(Salt.Digits), h(Salt.Digits2))
      case "verified_name":
        return verifiedName
      case "status":
        return weighted(h(Salt.PhoneStatus), phoneStatusWeights)
      case "quality_rating":
        return weighted(h(Salt.Quality), qualityWeights)
      case "country_code":
        return region.country
      case "country_dial_code":
        return region.dial
      case "code_verification_status":
        return weighted(h(Salt.CodeVerification), codeVerificationWeights)
      case "unified_cert_status":
        return weighted(h(Salt.Cert), certWeights)
      case "account_mode":
        return h(Salt.Mode) % 12 === 0 ? "SANDBOX" : "LIVE"
      case "host_platform":
      case "platform_type":
        return weighted(h(Salt.Platform), platformWeights)
      case "messaging_limit_tier":
        return weighted(h(Salt.Tier), tierWeights)
      case "is_official_business_account":
        return h(Salt.Official) % 12 === 0
      case "username": {
        const u = h(Salt.Username)
        return u % 4 === 0 ? `${verifiedName.toLowerCase().replace(/[^a-z0-9]+/g, "")}${u % 100}` : undefined
      }
      case "name_status":
        return weighted(h(Salt.NameStatus), nameStatusWeights)
      case "throughput":
        return { level: h(Salt.Throughput) % 10 === 0 ? "HIGH" : "STANDARD" }
      case "last_onboarded_time":
        return isoSeconds(onboarded())
      case "webhook_configuration":
        return {
          application: `https://hooks.${
            verifiedName.toLowerCase().replace(/[^a-z0-9]+/g, "-")
          }.example/whatsapp/${wabaId()}`
        }
      default:
        return undefined
    }
  }

  const phoneRegion = (business: Business, index: number, j: number) => {
    const own = pick(regions, hash(seed, business.index, index, Salt.Region))
    const r = hash(hash(seed, business.index, index, Salt.Phone), j, Salt.PhoneRegion)
    // Most numbers are in the account's country; some serve another market.
    return r % 5 === 0 ? pick(regions, r >>> 4) : own
  }
  const phoneField = (business: Business, index: number, j: number, field: string) =>
    phoneValue(
      phoneRegion(business, index, j),
      brand(business, index).text,
      hash(hash(seed, business.index, index, Salt.Phone), j),
      () => phoneId(business, index, j),
      () => onboardedAt(business, index, j),
      () => accountId(business, index),
      field
    )
  const wholePhone = (read: (field: string) => unknown): PhoneNumber => {
    const phone: Record<string, unknown> = {}
    for (const name of phoneFields) {
      const v = read(name)
      if (v !== undefined) phone[name] = v
    }
    return phone as PhoneNumber
  }

  return {
    seed,
    businesses,
    findBusiness: (id) => byId.get(id),
    creationTime,
    accountId,
    indexOfAccount,
    locateAccount,
    field: (business, index, field) =>
      value(business, index, () => accountId(business, index), () => creationTime(business, index), field) as any,
    account: (business, index) =>
      whole(business, index, () => accountId(business, index), () => creationTime(business, index)),
    newAccount: (business, serial, time) => {
      const key = addedKeyBase + serial
      const id = String(idBase(business) + addedIdOffset + serial * 1000 + (hash(seed, business.index, key) % 1000))
      return whole(business, key, () => id, () => time)
    },
    shares,
    phoneCount,
    phoneId,
    indexOfPhone,
    onboardedAt,
    phoneField: (business, index, j, field) => phoneField(business, index, j, field) as any,
    phoneNumber: (business, index, j) => wholePhone((field) => phoneField(business, index, j, field)),
    newPhoneNumber: (accountId, country, serial, time) => {
      const key = hash(seed, serial, Salt.AddedPhone)
      const region = regions.find((candidate) => candidate.country === country) ?? pick(regions, key)
      const id = String(700_000_000_000_000 + serial * 1000 + (key % 1000))
      const n = hash(seed, Number(accountId) % 1_000_000_007, Salt.Name)
      const name = `${pick(brandFirst, n)} ${pick(brandSecond, n >>> 7)}`
      return wholePhone((field) => phoneValue(region, name, key, () => id, () => time, () => accountId, field))
    }
  }
}
