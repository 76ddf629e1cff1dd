/**
 * The emulator for tests that do not use Effect: start a real loopback server with one `await`, point any
 * HTTP client at `emu.url`, inspect and steer it with plain functions, and `await emu.stop()`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import type * as Dataset from "./Dataset.js"
import * as Emulator from "./Emulator.js"
import * as EmulatorServer from "./EmulatorServer.js"
import type * as Faults from "./Faults.js"
import type * as RequestLog from "./RequestLog.js"

/**
 * Emulator options plus where to listen.
 *
 * @since 0.1.0
 * @category models
 */
export interface StartOptions extends Emulator.Options, EmulatorServer.Options {}

/**
 * A running emulator.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningEmulator {
  /** The server's origin, e.g. `http://127.0.0.1:53117`; append `/v23.0/{business-id}/owned_whatsapp_business_accounts`. */
  readonly url: string
  /** The token with access to every business. */
  readonly token: string
  /** The businesses' ids, in data-set order. */
  readonly businessIds: ReadonlyArray<string>
  /** The app secret proofs are checked against. */
  readonly appSecret: string | undefined
  /** The Effect service underneath, for anything not wrapped here. */
  readonly emulator: Emulator.EmulatorService
  readonly requests: () => ReadonlyArray<RequestLog.Entry>
  readonly resetRequests: () => void
  readonly injectedFaults: () => ReadonlyArray<Faults.Injection>
  readonly setFaults: (rules: ReadonlyArray<Faults.Rule>) => void
  readonly clearFaults: () => void
  readonly setQuirks: (quirks: Emulator.QuirkOptions) => void
  /** Moves the emulator clock forward: a duration such as `"1 hour"`, or milliseconds. */
  readonly advanceClock: (duration: Duration.DurationInput) => void
  readonly addAccounts: (
    businessId: string,
    count: number,
    options?: { readonly creationTime?: number | undefined }
  ) => ReadonlyArray<Dataset.Account>
  readonly deleteAccounts: (businessId: string, ids: ReadonlyArray<string>) => void
  readonly accounts: (
    businessId: string,
    options?: { readonly descending?: boolean | undefined }
  ) => ReadonlyArray<Dataset.Account>
  readonly clientAccounts: (businessId: string) => ReadonlyArray<Dataset.ClientAccount>
  readonly phoneNumbers: (accountId: string) => ReadonlyArray<Dataset.PhoneNumber>
  readonly addPhoneNumbers: (accountId: string, count: number) => ReadonlyArray<Dataset.PhoneNumber>
  readonly deletePhoneNumbers: (accountId: string, ids: ReadonlyArray<string>) => void
  /** Closes the server and every open connection. */
  readonly stop: () => Promise<void>
}

/**
 * Starts an emulator and its loopback server.
 *
 * @example
 * ```ts
 * import { startEmulator } from "@effect-waba/emulator/PromiseApi"
 *
 * const emu = await startEmulator({ businesses: [120] })
 * const response = await fetch(`${emu.url}/v23.0/${emu.businessIds[0]}/owned_whatsapp_business_accounts`, {
 *   headers: { authorization: `Bearer ${emu.token}` }
 * })
 * console.log((await response.json()).data.length) // 25
 * await emu.stop()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const startEmulator = async (options: StartOptions = {}): Promise<RunningEmulator> => {
  const scope = Effect.runSync(Scope.make())
  const emulator = Emulator.unsafeMake(options)
  const server = await Effect.runPromise(
    Layer.buildWithScope(
      EmulatorServer.layer({ port: options.port, host: options.host }).pipe(
        Layer.provide(Layer.succeed(Emulator.Emulator, emulator))
      ),
      scope
    ).pipe(
      Effect.map(Context.get(EmulatorServer.EmulatorServer)),
      Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
    )
  )
  const run = <A>(effect: Effect.Effect<A>): A => Effect.runSync(effect)
  return {
    url: server.url,
    token: emulator.token,
    businessIds: emulator.businessIds,
    appSecret: emulator.appSecret,
    emulator,
    requests: () => run(emulator.requests),
    resetRequests: () => run(emulator.resetRequests),
    injectedFaults: () => run(emulator.injectedFaults),
    setFaults: (rules) => run(emulator.setFaults(rules)),
    clearFaults: () => run(emulator.clearFaults),
    setQuirks: (quirks) => run(emulator.setQuirks(quirks)),
    advanceClock: (duration) => run(emulator.advanceClock(duration)),
    addAccounts: (businessId, count, addOptions) => run(emulator.addAccounts(businessId, count, addOptions)),
    deleteAccounts: (businessId, ids) => run(emulator.deleteAccounts(businessId, ids)),
    accounts: (businessId, listOptions) => run(emulator.accounts(businessId, listOptions)),
    clientAccounts: (businessId) => run(emulator.clientAccounts(businessId)),
    phoneNumbers: (accountId) => run(emulator.phoneNumbers(accountId)),
    addPhoneNumbers: (accountId, count) => run(emulator.addPhoneNumbers(accountId, count)),
    deletePhoneNumbers: (accountId, ids) => run(emulator.deletePhoneNumbers(accountId, ids)),
    stop: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
