/**
 * The emulator engine: the Effect 3 line's emulator, through its promise API, which needs no Effect of the
 * caller's. The package's build bundles this module, with the Effect 3 it runs on, into
 * `dist/internal/engine.js` (see scripts/bundle.mjs): nothing of it is resolved at the user's.
 *
 * @internal
 */
import { defaultBusinessId } from "@effect-waba/emulator-engine/Dataset"
import type * as Emulator from "@effect-waba/emulator-engine/Emulator"
import * as PromiseApi from "@effect-waba/emulator-engine/PromiseApi"

/** @internal */
export type Options = Emulator.Options

/** @internal */
export type Controls = PromiseApi.Controls

/** @internal */
export { defaultBusinessId }

/** An emulator answering web requests in the process. @internal */
export const makeInProcess: (options: Options) => PromiseApi.InProcessEmulator = PromiseApi.makeEmulator

/** An emulator on a loopback server. @internal */
export const startServer: (options: PromiseApi.StartOptions) => Promise<PromiseApi.RunningEmulator> =
  PromiseApi.startEmulator
