/**
 * A loopback proxy in front of Prism that records each exchange (the request as the client built it, and
 * Prism's verdict) and can rewrite requests on their way (for the tests that prove validation is on).
 * Plain Node, so that both lines' clients can be pointed at it and judged the same way.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Prism from "./Prism.js"

/** One request as Prism saw it, and its verdict. */
export interface Exchange {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: Readonly<Record<string, string>>
  readonly status: number
  readonly violations: ReadonlyArray<Prism.Violation>
}

/** Rewrites a request's URL or headers before Prism sees it. */
export type Tamper = (request: { url: URL; headers: Record<string, string> }) => void

export interface Recording {
  /** The proxy's origin, to use as the client's base URL. */
  readonly url: string
  readonly exchanges: () => ReadonlyArray<Exchange>
  /** Forgets the exchanges so far and sets (or clears) the rewrite of the next requests. */
  readonly reset: (tamper?: Tamper) => void
  readonly stop: () => Promise<void>
}

const flat = (headers: Http.IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([key, value]) => value === undefined ? [] : [[key, String(value)]])
  )

export const record = async (target: string): Promise<Recording> => {
  let exchanges: Array<Exchange> = []
  let tamper: Tamper | undefined
  const server = Http.createServer((incoming, outgoing) => {
    const request = { url: new URL(incoming.url ?? "/", target), headers: flat(incoming.headers) }
    delete request.headers["host"]
    tamper?.(request)
    const forwarded = Http.request(request.url, { method: incoming.method, headers: request.headers }, (answer) => {
      const chunks: Array<Buffer> = []
      answer.on("data", (chunk: Buffer) => chunks.push(chunk))
      answer.on("end", () => {
        const headers = flat(answer.headers)
        exchanges.push({
          method: incoming.method ?? "GET",
          path: request.url.pathname,
          query: request.url.searchParams,
          headers: request.headers,
          status: answer.statusCode ?? 0,
          violations: Prism.violations(headers)
        })
        delete headers["transfer-encoding"]
        delete headers["content-length"]
        delete headers["connection"]
        outgoing.writeHead(answer.statusCode ?? 502, headers).end(Buffer.concat(chunks))
      })
    })
    forwarded.on("error", () => outgoing.destroy())
    incoming.pipe(forwarded)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges: () => exchanges,
    reset: (next) => {
      exchanges = []
      tamper = next
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
