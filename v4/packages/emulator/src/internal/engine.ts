/**
 * The emulator engine: the Effect 3 line's emulator, started as a loopback server through its promise API,
 * which needs no Effect of the caller's.
 *
 * @internal
 */
import * as PromiseApi from "@effect-waba/emulator-engine/PromiseApi"

/** @internal */
export type Options = Omit<PromiseApi.StartOptions, "port">

/** @internal */
export type Running = PromiseApi.RunningEmulator

/** @internal */
export const start: (options: PromiseApi.StartOptions) => Promise<Running> = PromiseApi.startEmulator
