/**
 * The vocabulary of the behaviour scenarios both lines run (see `scenarios.ts`): what a server answers,
 * what is read, what the read must come to. Plain TypeScript with no Effect import, so that the Effect 3
 * and the Effect 4 test projects can both compile and run it; each line's runner maps a `Read` onto its
 * own API and its result back onto an `Outcome`.
 */
import type { StartOptions } from "@effect-waba/emulator/PromiseApi"

/** One request as a server received it. `path` has no API version; `index` counts from 0. */
export interface Sent {
  readonly index: number
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  /** `Date.now()` when it arrived. */
  readonly at: number
}

/** What a scripted loopback server answers to one request. */
export type Reply =
  | {
    readonly status?: number
    readonly headers?: Readonly<Record<string, string>>
    /** Sent as JSON. */
    readonly body?: unknown
    /** Sent as is (a body that is not JSON, or JSON cut short). */
    readonly raw?: string
    /** Answer only after this many milliseconds. */
    readonly delayMs?: number
    /** Send the body gzip-compressed, saying so (`content-encoding: gzip`): `fetch` inflates it. */
    readonly gzip?: boolean
  }
  /** Never answer: the client's timeout must end the attempt. */
  | { readonly hang: true }
  /** A 302 to a second loopback server, with the request's query: it must receive nothing. */
  | { readonly redirectOffOrigin: true }

/** A filter clause built with the line's own `Filter` DSL: `Filter[builder][operator](...args)`. */
export interface FilterClause {
  readonly builder: string
  readonly operator: string
  readonly args: ReadonlyArray<unknown>
}

/** The options of an edge read, named as both lines name them. */
export interface EdgeOptions {
  readonly fields?: ReadonlyArray<string>
  readonly limit?: number
  readonly filtering?: ReadonlyArray<FilterClause>
  readonly sort?: string
  readonly expand?: {
    readonly phone_numbers: {
      readonly fields?: ReadonlyArray<string>
      readonly limit?: number
      readonly pages?: "first"
    }
  }
}

/** A read through the public API. */
export type Read =
  /** Every item of an edge (`OwnedAccounts`, `ClientAccounts`, `PhoneNumbers`), or its first `take`. */
  | {
    readonly edge: "owned" | "client" | "phoneNumbers"
    readonly id: string
    readonly options?: EdgeOptions
    readonly take?: number
  }
  /** `WhatsAppBusinessAccount.get`. */
  | { readonly node: "whatsAppBusinessAccount"; readonly id: string; readonly fields?: ReadonlyArray<string> }
  /** The agency fan-out, `ManagedAccounts.stream`, with a token per business when `tokens` is given. */
  | {
    readonly fanOut: ReadonlyArray<string>
    readonly fields?: ReadonlyArray<string>
    readonly phoneNumbers?: { readonly fields?: ReadonlyArray<string> }
    readonly concurrency?: number
    readonly tokens?: Readonly<Record<string, string>>
  }

/** Client settings as both lines' `GraphConfig.Options` spell them (durations as text). */
export interface Settings {
  readonly accessToken: string
  readonly appSecret?: string
  readonly appSecretProof?: "plain" | "timed"
  readonly baseUrl: string
  readonly timeout?: string
  readonly maxResponseBytes?: number
  readonly retry?:
    | false
    | {
      readonly maxRetries?: number
      readonly baseDelay?: string
      readonly maxDelay?: string
      readonly maxHintedWait?: string
      readonly jitter?: boolean
    }
}

/** A typed failure, its fields made plain: a Duration `x` becomes `xMillis`, an Option its value or absent. */
export interface Failure {
  readonly _tag: string
  readonly message: string
  readonly fields: Readonly<Record<string, unknown>>
}

/** What a read came to, as a line's runner reports it. */
export interface Outcome {
  /** The items that arrived (accounts of a fan-out), in order, up to a failure. */
  readonly items: ReadonlyArray<Readonly<Record<string, unknown>>>
  /** The typed failure the read ended with. */
  readonly error?: Failure | undefined
  /** A defect or an interruption, rendered: never acceptable. */
  readonly defect?: string | undefined
  /** Every rendering of the error and the items (String, message, JSON, the line's formatter, the cause). */
  readonly renderings: string
  /** The fan-out's reports. */
  readonly fanOut?: {
    readonly failures: ReadonlyArray<{ readonly businessId: string; readonly edge: string; readonly tag: string }>
    readonly done: ReadonlyArray<string>
  }
}

/** A line: how it runs a read against a server. */
export type Line = (read: Read, settings: Settings) => Promise<Outcome>

/** What the read must come to. Every scenario also checks: no defect, no duplicate, no secret in any output. */
export interface Expected {
  /** The typed failure's tag; absent when the read must succeed. */
  readonly error?: string
  /** Fields the failure must have (after `Failure.fields`' conversions), `message` included. */
  readonly errorMatches?: Readonly<Record<string, unknown>>
  /** The most characters its message may have. */
  readonly maxMessage?: number
  /** The most characters all renderings of the outcome may have together. */
  readonly maxRenderings?: number
  /** The items' ids, in order. */
  readonly ids?: ReadonlyArray<string>
  /** The items, exactly. */
  readonly items?: ReadonlyArray<unknown>
  /** How many requests the server received. */
  readonly requests?: number
  /** The fan-out's failures (any order) and the businesses done (any order). */
  readonly failures?: ReadonlyArray<readonly [businessId: string, edge: string, tag: string]>
  readonly done?: ReadonlyArray<string>
  /** Text that must not appear in any rendering (the secrets are always checked). */
  readonly absent?: ReadonlyArray<string>
}

/** Further checks a table cannot say: given the outcome, what was sent, and the line to read again. */
export type Verify = (context: {
  readonly outcome: Outcome
  readonly sent: ReadonlyArray<Sent>
  readonly again: (read: Read) => Promise<Outcome>
}) => void | Promise<void>

/** A scenario against a scripted loopback server. */
export interface ServerScenario {
  readonly name: string
  readonly replies: (request: Sent) => Reply
  readonly read: Read
  /** Settings over the defaults (token and app secret of `secrets`, fast retries, 2 s timeout). */
  readonly settings?: Partial<Omit<Settings, "baseUrl">>
  readonly expected: Expected
  /** The off-origin server of `redirectOffOrigin` must have received nothing. */
  readonly verify?: Verify
}

/** A scenario against the emulator on loopback (the Effect 3 engine; both lines read it over HTTP). */
export interface EmulatorScenario {
  readonly name: string
  readonly emulator?: StartOptions
  readonly read: Read
  /** Settings over the defaults (the emulator's token and app secret, fast retries, 5 s timeout). */
  readonly settings?: Partial<Omit<Settings, "baseUrl">>
  readonly expected: Expected
  /** The faults the emulator injected, in order of kind. */
  readonly injected?: ReadonlyArray<string>
  readonly verify?: Verify
}

export type Scenario = ServerScenario | EmulatorScenario

export const isServerScenario = (scenario: Scenario): scenario is ServerScenario => "replies" in scenario
