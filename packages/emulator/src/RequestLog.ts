/**
 * The request log: one entry per request the emulator received, for tests to inspect (how many calls a
 * client made, what it sent, which faults it met, whether it gave up mid-request).
 *
 * @since 0.1.0
 */
import type * as Faults from "./Faults.js"

/**
 * Which way the request reached the emulator: `batch` for a call inside a batch request (`POST /`), which
 * was itself logged with the way it came.
 *
 * @since 0.1.0
 * @category models
 */
export type Transport = "server" | "in-process" | "batch"

/**
 * One logged request. Entries are snapshots: read the log again to see later changes (an abort that
 * happens during an injected delay, say).
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  /** 1-based, over the emulator's lifetime (the numbering fault triggers use); not reset by `resetRequests`. */
  readonly number: number
  readonly transport: Transport
  readonly method: string
  /** The path without the query string, e.g. `/v27.0/1234/owned_whatsapp_business_accounts`. */
  readonly path: string
  /** The `vNN.N` prefix of the path, if the request had one. */
  readonly apiVersion: string | undefined
  /** Query parameters, decoded; a repeated name keeps its last value. */
  readonly query: Readonly<Record<string, string>>
  /** Request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The numeric id the path names (a business or an account), when it names one. */
  readonly businessId: string | undefined
  /** Emulator-clock time the request arrived, epoch milliseconds. */
  readonly receivedAt: number
  /** The HTTP status sent (or about to be sent), `undefined` if the client went away first. */
  readonly status: number | undefined
  /** The Graph error code of the response, if it was a Graph error. */
  readonly errorCode: number | undefined
  /** The fault that changed the response (`httpError`, `reset`, ...), if any. */
  readonly fault: Faults.FaultKind | undefined
  /** Every fault kind applied to this request, delays included. */
  readonly faults: ReadonlyArray<Faults.FaultKind>
  /** True when the client closed the connection or interrupted the call before the response was complete. */
  readonly aborted: boolean
}
