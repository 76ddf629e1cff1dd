/**
 * The emulator's deterministic data set: businesses that own WhatsApp Business Accounts (WABAs) and share
 * some of them with partner businesses, and the phone numbers of every WABA.
 *
 * Nothing per account is stored. Account `i` of a business, and phone number `j` of that account, are pure
 * functions of `(seed, business, i[, j])`, so a business may own a handful of accounts or ten million and
 * memory stays flat. `creation_time` never decreases with `i` (neighbours may share a second, as
 * bulk-created accounts do) and ids strictly increase with it, so index order *is* `(creation_time, id)`
 * order and a `creation_time` filter is a binary search. Phone numbers follow the same rule with their
 * onboarding time.
 *
 * Shares (the `client_whatsapp_business_accounts` edge) are the one list that is built: a business's
 * client list holds `clientAccounts` entries picked from the other businesses' accounts (and now and then
 * one of its own), computed when first read.
 *
 * Values are wire values (unix seconds, ISO times, strings), generated for the fields the client declares
 * (`WhatsAppBusinessAccount.node`, `PhoneNumber.node`): the emulator's drift test decodes them with the
 * client's schemas.
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
 * @since 0.1.0
 * @category models
 */
export type Account =
  & Wire<Omit<AccountEncoded, "id" | "creation_time" | SometimesAbsent>>
  & Partial<Wire<Pick<AccountEncoded, SometimesAbsent>>>
  & { readonly id: string; readonly creation_time: number }

type AccountEncoded = Required<Schema.Schema.Encoded<typeof WabaNode.node.schema>>

// The account fields some accounts leave out (as Graph does when they have no value).
type SometimesAbsent =
  | "on_behalf_of_business_info"
  | "purchase_order_number"
  | "linked_commerce_account"
  | "marketing_messages_ad_account"

// Records hold values only: the null quirk is applied when a reply is written.
type Wire<T> = { readonly [K in keyof T]: Exclude<T[K], null> }

/**
 * An account as the client edge sends it: the node plus what this business may do with it.
 *
 * @since 0.1.0
 * @category models
 */
export type ClientAccount = Account & { readonly permitted_tasks: ReadonlyArray<string> }

/**
 * A phone number as Graph sends it.
 *
 * @since 0.1.0
 * @category models
 */
export type PhoneNumber =
  & Wire<Omit<Schema.Schema.Encoded<typeof PhoneNode.node.schema>, "id">>
  & { readonly id: string }

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
  /**
   * The first business's id when its spec gives none (and no other spec takes it). Default: generated from
   * the seed, like the others'. The testing kit's emulators set it to {@link defaultBusinessId}, the
   * documentation's demo business, so that `{ businesses: [120] }` is business `1234567890` there.
   */
  readonly firstBusinessId?: string | undefined
  /** Accounts per business when `businesses` is a count (each with up to 10 client accounts). Default 25. */
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
  /** How many accounts the seed generates (changes at runtime are the emulator's). */
  readonly accounts: number
  /** How many share picks the client edge is built from. */
  readonly clientAccounts: number
}

/**
 * One account shared with a business: whose it is, which, and what the business may do with it.
 *
 * @since 0.1.0
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
 * A generated list (a business's accounts, an account's phone numbers), element `i` computed on demand:
 * `time` never decreases with `i` and numeric ids strictly increase with it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Generated<A> {
  readonly count: number
  readonly time: (index: number) => number
  readonly id: (index: number) => string
  /** The index of an id, if the list generates it. */
  readonly indexOf: (id: string) => number | undefined
  /** One field as sent on the wire, computed alone. */
  readonly field: (index: number, field: string) => unknown
  /** Every field that has a value, in the declaration's order. */
  readonly record: (index: number) => A
  /** The field whose value `time` is, if any (filters on it skip to the matching stretch). */
  readonly timeField?: string | undefined
}

/**
 * The data set: businesses, and every account and phone number of theirs generated on demand.
 *
 * @since 0.1.0
 * @category models
 */
export type Dataset = ReturnType<typeof make>

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
 * @since 0.1.0
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
 * The documentation's demo business: the first business of the default data set, and of the testing kit's
 * emulators whatever their data set (see {@link Options.firstBusinessId}).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBusinessId = "1234567890"

/**
 * The default data set: a partner business (id `1234567890`) owning 137 accounts, with accounts shared
 * by the second business and two accounts of more than 100 phone numbers; a second business owning 12;
 * an empty one.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBusinesses: ReadonlyArray<BusinessSpec> = [
  { id: defaultBusinessId, accounts: 137, clientAccounts: 24, manyPhoneNumbers: { 0: 150, 2: 101 } },
  { accounts: 12, clientAccounts: 6 },
  { accounts: 0 }
]

// Every random choice hashes its coordinates with a salt of its own, so that fields vary independently.
// Changing a salt changes the data every seed gives; those used in several places are named.
const Salt = { Name: 1, Region: 2, Ownership: 10, Phone: 34 } as const

// Added accounts hash in their own key range so they never repeat a generated account's values.
const addedKeyBase = 0x40000000
const accountIdSpan = 20_000_000_000
const addedIdOffset = 10_000_000_000

// Countries with their currency, time zones, dialling code and how a mobile number is displayed (`#`: a digit).
const regions = [
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
] as const
type Region = typeof regions[number]

const brandFirst =
  ("Lucky Blue Golden Urban Green Bright Silver Coral Happy North Sunny Swift Maple Cedar Nova Atlas " +
    "Pioneer Harbor Summit Velvet").split(" ")
const brandSecond = ("Shrub Bakery Logistics Clinic Outfitters Motors Pharmacy Travel Foods Boutique Telecom Bank " +
  "Academy Studio Market Insurance Realty Fitness").split(" ")
const accountSuffix = ["", "", "", " Support", " Sales", " Notifications", " Marketing", " Care", " Alerts", " Orders"]
const businessSuffix = ["Group", "Holdings", "Inc", "Ltd", "Co", "S.A."]
const taskSets = [
  "MANAGE DEVELOP MANAGE_TEMPLATES MANAGE_PHONE VIEW_COST MANAGE_EXTENSIONS",
  "MANAGE DEVELOP",
  "DEVELOP",
  "MANAGE_TEMPLATES VIEW_TEMPLATES",
  "VIEW_COST VIEW_PHONE_ASSETS",
  "MANAGE MANAGE_PHONE MANAGE_PHONE_ASSETS MESSAGING",
  "MESSAGING VIEW_INSIGHTS"
].map((tasks) => tasks.split(" "))

// A weighted choice written as text: "A:3 B:1" picks A three times as often as B.
const choice = (text: string) => {
  const table = text.split(" ").map((entry) => entry.split(":")).map(([value, weight]) =>
    [value!, Number(weight)] as const
  )
  const total = table.reduce((sum, [, weight]) => sum + weight, 0)
  return (h: number): string => {
    let roll = h % total
    return table.find(([, weight]) => (roll -= weight) < 0)![0]
  }
}

const ownership = choice("SELF:70 CLIENT_OWNED:20 ON_BEHALF_OF:10")
const healthVerdict = choice("AVAILABLE:85 LIMITED:10 BLOCKED:5")
const phoneCounts = choice("0:14 1:46 2:20 3:9 4:5 5:3 8:3")

// The fields chosen from a weighted list, one a line: the field, the salt of its hash, the choice.
const choices = (table: string) =>
  table.trim().split("\n").map((line) => line.trim().split(/ (.*)/)).map(([field, rest]) => {
    const [salt, ...entries] = rest!.split(" ")
    return [field!, Number(salt), choice(entries.join(" "))] as const
  })

const accountChoices = choices(`
  account_review_status 5 APPROVED:80 PENDING:8 REJECTED:4 RESTRICTED:4 DEFERRED:4
  business_verification_status 6 verified:55 not_verified:15 pending:6 pending_need_more_info:3 pending_submission:3 rejected:4 failed:3 expired:3 revoked:2 ineligible:6
  status 13 ACTIVE:93 DISABLED:5 PENDING_DELETION:2
  whatsapp_business_manager_messaging_limit 14 TIER_50:5 TIER_250:30 TIER_2K:30 TIER_10K:18 TIER_100K:8 TIER_UNLIMITED:4 UNTIERED:5
  marketing_messages_lite_api_status 15 ELIGIBLE:40 INELIGIBLE:35 ONBOARDED:25
  marketing_messages_onboarding_status 16 ONBOARDED:30 NOT_ONBOARDED:60 PENDING:10
  whatsapp_manager_marketing_messages_max_price_enroll_status 23 ENROLLED:25 NOT_ENROLLED:65 PENDING:10
`)

// A number's own tier is on the account's ladder, without the "TIER_1K" of older material.
const phoneChoices = choices(`
  status 39 CONNECTED:85 PENDING:4 DISCONNECTED:3 FLAGGED:2 RESTRICTED:2 MIGRATED:2 RATE_LIMITED:1 BANNED:1
  quality_rating 40 GREEN:70 YELLOW:12 RED:5 UNKNOWN:13
  code_verification_status 41 VERIFIED:82 NOT_VERIFIED:12 EXPIRED:6
  unified_cert_status 42 APPROVED:84 NAME_PENDING_REVIEW:8 NAME_NOT_APPROVED:4 LIMITED_ACCESS:4
  host_platform 44 CLOUD_API:85 ON_PREMISE:15
  platform_type 44 CLOUD_API:85 ON_PREMISE:15
  messaging_limit_tier 45 TIER_50:4 TIER_250:30 TIER_2K:30 TIER_10K:20 TIER_100K:8 TIER_UNLIMITED:4 UNTIERED:4
  name_status 48 APPROVED:80 AVAILABLE_WITHOUT_REVIEW:8 PENDING_REVIEW:8 DECLINED:4
`)

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

/** One account being generated: its coordinates and values, and its hash for a salt. */
interface AccountKey {
  readonly seed: number
  readonly business: Business
  readonly key: number
  readonly id: string
  readonly time: number
  readonly h: (salt: number) => number
}

const brand = (n: number) => `${pick(brandFirst, n)} ${pick(brandSecond, n >>> 7)}`
const regionOf = (a: AccountKey) => pick(regions, a.h(Salt.Region))

const accountValues: Values<AccountKey> = {
  id: (a) => a.id,
  creation_time: (a) => a.time,
  name: (a) => `${brand(a.h(Salt.Name))}${pick(accountSuffix, a.h(Salt.Name) >>> 14)}`,
  country: (a) => regionOf(a).country,
  currency: (a) => regionOf(a).currency,
  timezone_id: (a) => pick(regionOf(a).tz, a.h(3)),
  message_template_namespace: (a) => {
    const n = a.h(4)
    const hex = hex8(n) + hex8(hash(a.seed, a.key, a.business.index, 4)) + hex8(hash(n, a.key, 1)) +
      hex8(hash(n, a.key, 2))
    return `${hex.slice(0, 8)}_${hex.slice(8, 12)}_${hex.slice(12, 16)}_${hex.slice(16, 20)}_${hex.slice(20, 32)}`
  },
  // The account-level verdict is the worst of its entities': a limited business limits the account.
  health_status: (a) => {
    const overall = healthVerdict(a.h(7))
    const entity = (type: string, id: string, verdict: string, error: object) =>
      overall === verdict
        ? { entity_type: type, id, can_send_message: verdict, errors: [error] }
        : { entity_type: type, id, can_send_message: "AVAILABLE" }
    return {
      can_send_message: overall,
      entities: [
        entity("WABA", a.id, "BLOCKED", paymentError),
        entity("BUSINESS", a.business.id, "LIMITED", verificationError),
        { entity_type: "APP", id: String(900_000_000_000_000 + (a.seed % 1_000_000)), can_send_message: "AVAILABLE" }
      ]
    }
  },
  is_enabled_for_insights: (a) => a.h(8) % 3 !== 0,
  is_shared_with_partners: (a) => a.h(9) % 4 === 0,
  ownership_type: (a) => ownership(a.h(Salt.Ownership)),
  on_behalf_of_business_info: (a) => {
    const type = ownership(a.h(Salt.Ownership))
    const p = a.h(17)
    return type === "SELF" ? undefined : {
      id: String(100_000_000_000_000 + 500_000_000_000_000 + (p % 999_999_999)),
      name: `${pick(brandFirst, p >>> 3)} ${pick(brandSecond, p >>> 11)} ${pick(businessSuffix, p >>> 19)}`,
      status: p % 13 === 0 ? "PENDING" : "APPROVED",
      type: type === "ON_BEHALF_OF" ? "PARTNER" : "SELF"
    }
  },
  primary_funding_id: (a) => String(1_000_000_000_000_000 + a.h(11) * 100_000 + (a.key % 100_000)),
  purchase_order_number: (a) => {
    const p = a.h(12)
    return p % 10 < 4
      ? `PO-${new Date(a.time * 1000).getUTCFullYear()}-${String(p % 1_000_000).padStart(6, "0")}`
      : undefined
  },
  owner_business_info: (a) => ({ id: a.business.id, name: a.business.name }),
  owner_business: (a) => ({ id: a.business.id, name: a.business.name }),
  disable_marketing_messages_on_cloud_api: (a) => a.h(24) % 9 === 0,
  template_auto_archival_enabled: (a) => a.h(25) % 5 !== 0,
  analytics: (a) => ({ granularity: "DAY", data_points_available: a.h(26) % 7 !== 0, phone_numbers: a.h(26) % 3 }),
  auth_international_rate_eligibility: (a) => ({
    start_time: a.time + 86_400 * (a.h(27) % 365),
    exception_countries: a.h(27) % 4 === 0 ? [regionOf(a).country] : []
  }),
  linked_commerce_account: (a) =>
    a.h(28) % 3 === 0 ? { id: String(700_000_000_000_000 + (a.h(28) % 99_999_999)) } : undefined,
  marketing_messages_ad_account: (a) =>
    a.h(29) % 4 === 0 ? { id: `act_${300_000_000_000_000 + (a.h(29) % 99_999_999)}` } : undefined,
  primary_business_location: (a) => regionOf(a).country,
  ...Object.fromEntries(accountChoices.map(([field, salt, chosen]) => [field, (a: AccountKey) => chosen(a.h(salt))]))
}

/** One phone number being generated. */
interface PhoneKey {
  readonly region: Region
  readonly verifiedName: string
  readonly id: string
  readonly onboarded: number
  readonly accountId: string
  readonly h: (salt: number) => number
}

const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "+0000")

// A display number in the region's format: the first eight digits from one hash, the rest from another.
const digits = (format: string, h1: number, h2: number): string => {
  let k = 0
  return format.replace(/#/g, () => String(Math.floor((k < 8 ? h1 : h2) / 10 ** (k++ % 8)) % 10))
}

const slug = (name: string, separator: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, separator)

const phoneValues: Values<PhoneKey> = {
  id: (p) => p.id,
  display_phone_number: (p) => digits(p.region.format, p.h(37), p.h(38)),
  verified_name: (p) => p.verifiedName,
  country_code: (p) => p.region.country,
  country_dial_code: (p) => p.region.dial,
  account_mode: (p) => p.h(43) % 12 === 0 ? "SANDBOX" : "LIVE",
  is_official_business_account: (p) => p.h(46) % 12 === 0,
  username: (p) => p.h(47) % 4 === 0 ? `${slug(p.verifiedName, "")}${p.h(47) % 100}` : undefined,
  throughput: (p) => ({ level: p.h(49) % 10 === 0 ? "HIGH" : "STANDARD" }),
  last_onboarded_time: (p) => isoSeconds(p.onboarded),
  webhook_configuration: (p) => ({
    application: `https://hooks.${slug(p.verifiedName, "-")}.example/whatsapp/${p.accountId}`
  }),
  ...Object.fromEntries(phoneChoices.map(([field, salt, chosen]) => [field, (p: PhoneKey) => chosen(p.h(salt))]))
}

type Values<K> = Readonly<Record<string, (key: K) => unknown>>

// A record of every declared field that has a value, in the declaration's order.
const recordOf = <K, A>(fields: ReadonlyArray<string>, values: Values<K>) => (key: K): A =>
  Object.fromEntries(fields.flatMap((field) => {
    const value = values[field]?.(key)
    return value === undefined ? [] : [[field, value]]
  })) as A
const accountRecord = recordOf<AccountKey, Account>(WabaNode.node.fieldNames, accountValues)
const phoneRecord = recordOf<PhoneKey, PhoneNumber>(PhoneNode.node.fieldNames, phoneValues)

// A list whose element i is computed from its key when read; `near` maps a numeric id to the index that
// would generate it.
const generated = <K, A>(
  count: number,
  time: (i: number) => number,
  id: (i: number) => string,
  near: (id: number) => number,
  key: (i: number) => K,
  [values, record]: readonly [Values<K>, (key: K) => A],
  timeField?: string
): Generated<A> => ({
  count,
  time,
  id,
  timeField,
  indexOf: (text) => {
    const i = near(Number(text))
    return /^[0-9]+$/.test(text) && i >= 0 && i < count && id(i) === text ? i : undefined
  },
  field: (i, field) => values[field]?.(key(i)),
  record: (i) => record(key(i))
})

const integer = (name: string, value: number, max: number) => {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be a whole number between 0 and ${max}, got ${value}`)
  }
}

const specsOf = (options: Options): ReadonlyArray<BusinessSpec> => {
  const businesses = options.businesses ?? defaultBusinesses
  const each = options.accountsPerBusiness ?? 25
  const specs: ReadonlyArray<BusinessSpec> = typeof businesses === "number"
    ? Array.from({ length: businesses }, () => ({ accounts: each, clientAccounts: Math.min(10, each) }))
    : businesses.map((spec) => typeof spec === "number" ? { accounts: spec } : spec)
  for (const spec of specs) {
    integer("A business's account count", spec.accounts, maxAccountsPerBusiness)
    integer("clientAccounts", spec.clientAccounts ?? 0, maxAccountsPerBusiness)
    if (spec.phoneNumbers !== undefined) integer("phoneNumbers", spec.phoneNumbers, maxPhoneNumbersPerAccount)
    for (const [at, count] of Object.entries(spec.manyPhoneNumbers ?? {})) {
      integer(`manyPhoneNumbers[${at}]`, count, maxPhoneNumbersPerAccount)
    }
    if (spec.id !== undefined && !/^[0-9]+$/.test(spec.id)) {
      throw new RangeError(`Business ids are numeric strings, got "${spec.id}"`)
    }
  }
  return specs
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
export const make = (options: Options = {}) => {
  const seed = seedOf(options.seed ?? "effect-waba")
  const [t0, t1] = creationTimeRange
  const specs = specsOf(options)
  // An id a spec gives wins over `firstBusinessId`, even another business's.
  const firstId = specs.some((spec) => spec.id === options.firstBusinessId) ? undefined : options.firstBusinessId
  const businesses = specs.map((spec, index): Business => {
    const h = hash(seed, index, 22)
    const id = spec.id ?? (index === 0 ? firstId : undefined) ??
      String(100_000_000_000_000 + index * 1_000_000_000_000 + (hash(seed, index, 21) % 999_999_999))
    const name = spec.name ?? `${pick(brandFirst, h)} ${pick(brandSecond, h >>> 8)} ${pick(businessSuffix, h >>> 16)}`
    return { id, name, index, accounts: spec.accounts, clientAccounts: spec.clientAccounts ?? 0 }
  })
  const byId = new Map(businesses.map((business) => [business.id, business]))
  if (byId.size !== businesses.length) throw new RangeError("Business ids must be unique")

  const accountBase = 200_000_000_000_000 + (seed % 100) * 1_000_000_000_000
  const idBase = (business: Business) => accountBase + business.index * accountIdSpan
  // Account i sits at a jittered point of its slot on the time axis; about one in ten shares the second
  // of its predecessor's slot instead. Both rules keep creation_time non-decreasing in i.
  const slotTime = (business: Business, index: number) =>
    t0 + Math.floor((index + unit(seed, business.index, index, 18)) * (t1 - t0) / Math.max(1, business.accounts))
  const creationTime = (business: Business, index: number) =>
    slotTime(business, index > 0 && hash(seed, business.index, index, 19) % 10 === 0 ? index - 1 : index)
  const accountId = (business: Business, index: number) =>
    String(idBase(business) + index * 1000 + (hash(seed, business.index, index, 20) % 1000))
  const accountKey = (business: Business, key: number, id: string, time: number): AccountKey => ({
    seed,
    business,
    key,
    id,
    time,
    h: (salt) => hash(seed, business.index, key, salt)
  })
  const owned = (business: Business): Generated<Account> =>
    generated(
      business.accounts,
      (i) => creationTime(business, i),
      (i) => accountId(business, i),
      (id) => Math.floor((id - idBase(business)) / 1000),
      (i) => accountKey(business, i, accountId(business, i), creationTime(business, i)),
      [accountValues, accountRecord],
      "creation_time"
    )

  const owners = businesses.filter((business) => business.accounts > 0)
  const shareMemo = new Map<Business, ReadonlyArray<Share>>()
  const shares = (business: Business): ReadonlyArray<Share> => {
    const memo = shareMemo.get(business)
    if (memo !== undefined) return memo
    const others = owners.filter((owner) => owner !== business)
    const out = new Map<string, Share>()
    for (let k = 0; k < business.clientAccounts; k++) {
      const h = hash(seed, business.index, k, 30)
      // Now and then the business's own account is shared back to it: it then sits on both of its edges.
      const owner = (h % 8 === 0 || others.length === 0) && business.accounts > 0
        ? business
        : others.length > 0
        ? pick(others, h >>> 3)
        : undefined
      if (owner === undefined) break
      const index = hash(seed, business.index, k, 31) % owner.accounts
      const id = accountId(owner, index)
      if (out.has(id)) continue
      const permittedTasks = pick(taskSets, hash(seed, business.index, k, 32))
      out.set(id, { owner, index, id, creationTime: creationTime(owner, index), permittedTasks })
    }
    const sorted = [...out.values()].sort((a, b) => a.creationTime - b.creationTime || Number(a.id) - Number(b.id))
    shareMemo.set(business, sorted)
    return sorted
  }

  const phoneCount = (business: Business, index: number): number => {
    const spec = specs[business.index]!
    return spec.manyPhoneNumbers?.[index] ?? spec.phoneNumbers ??
      Number(phoneCounts(hash(seed, business.index, index, 33)))
  }
  const phoneKey = (region: Region, verifiedName: string, key: number, id: string, onboarded: number, of: string) => ({
    region,
    verifiedName,
    id,
    onboarded,
    accountId: of,
    h: (salt: number) => hash(key, seed, salt)
  })
  // Numbers join an account one after another between its creation and a month after the time range.
  const phoneBase = 400_000_000_000_000 + (seed % 50) * 1_000_000_000_000
  const phoneIdSpan = 10_000_000_000
  const phones = (business: Business, index: number): Generated<PhoneNumber> => {
    const base = phoneBase + business.index * phoneIdSpan + index * 1000
    const count = phoneCount(business, index)
    const start = creationTime(business, index)
    const key = hash(seed, business.index, index, Salt.Phone)
    const time = (j: number) =>
      start + Math.floor((j + unit(key, j, 35)) * (t1 + 86_400 * 30 - start) / Math.max(1, count))
    const phone = (j: number) => {
      const r = hash(key, j, 36)
      // Most numbers are in the account's country; some serve another market.
      const region = pick(regions, r % 5 === 0 ? r >>> 4 : hash(seed, business.index, index, Salt.Region))
      const name = brand(hash(seed, business.index, index, Salt.Name))
      return phoneKey(region, name, hash(key, j), String(base + j), time(j), accountId(business, index))
    }
    return generated(count, time, (j) => String(base + j), (id) => id - base, phone, [phoneValues, phoneRecord])
  }

  return {
    seed,
    businesses,
    findBusiness: (id: string): Business | undefined => byId.get(id),
    /** A business's generated accounts. */
    owned,
    /** Id of generated account `index`. */
    accountId,
    /** Every field of generated account `index`. */
    account: (business: Business, index: number): Account => owned(business).record(index),
    /** Which business an account id belongs to, if it is in a business's range of ids. */
    ownerOf: (id: string): Business | undefined =>
      /^[0-9]{1,16}$/.test(id) ? businesses[Math.floor((Number(id) - accountBase) / accountIdSpan)] : undefined,
    /** The `serial`-th account added to `business` at runtime; its id is above every generated one. */
    newAccount: (business: Business, serial: number, time: number): Account => {
      const key = addedKeyBase + serial
      const id = String(idBase(business) + addedIdOffset + serial * 1000 + (hash(seed, business.index, key) % 1000))
      return accountRecord(accountKey(business, key, id, time))
    },
    /** The accounts shared with a business, in `(creation_time, id)` order. */
    shares,
    /** The generated phone numbers of account `index`. */
    phones,
    /** How many phone numbers generated account `index` has. */
    phoneCount,
    /** The generated account whose generated phone numbers include this id, if any. */
    phoneOwner: (id: string): { readonly business: Business; readonly index: number } | undefined => {
      const offset = /^[0-9]{1,16}$/.test(id) ? Number(id) - phoneBase : -1
      const business = offset < 0 ? undefined : businesses[Math.floor(offset / phoneIdSpan)]
      const index = Math.floor((offset % phoneIdSpan) / 1000)
      return business !== undefined && index < business.accounts && offset % 1000 < phoneCount(business, index)
        ? { business, index }
        : undefined
    },
    /** Every field of phone number `j` of generated account `index`. */
    phoneNumber: (business: Business, index: number, j: number): PhoneNumber => phones(business, index).record(j),
    /** The `serial`-th phone number added at runtime to account `accountId`, in its country. */
    newPhoneNumber: (accountId: string, country: string | undefined, serial: number, time: number): PhoneNumber => {
      const key = hash(seed, serial, 50)
      const region = regions.find((candidate) => candidate.country === country) ?? pick(regions, key)
      const id = String(700_000_000_000_000 + serial * 1000 + (key % 1000))
      const name = brand(hash(seed, Number(accountId) % 1_000_000_007, Salt.Name))
      return phoneRecord(phoneKey(region, name, key, id, time, accountId))
    }
  }
}
