/**
 * A scripted server on loopback that answers what a scenario says, including what a hostile or broken
 * server would: bodies that are not JSON, cut short or huge, no answer at all, a redirect to a second
 * origin (which counts what reaches it). Both lines read it over a real socket with `fetch`.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Zlib from "node:zlib"
import type { Reply, Sent } from "./model.js"

export interface Scripted {
  readonly origin: string
  /** What the scripted server received, in order. */
  readonly sent: ReadonlyArray<Sent>
  /** Requests that reached the second origin (a redirect's target). */
  readonly offOrigin: () => number
  readonly close: () => Promise<void>
}

const listen = (server: Http.Server): Promise<string> =>
  new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
  )

const shut = (server: Http.Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

const flat = (headers: Http.IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, String(value)]))

export const serve = async (replies: (request: Sent) => Reply): Promise<Scripted> => {
  const sent: Array<Sent> = []
  let offOrigin = 0
  const other = Http.createServer((_, response) => {
    offOrigin++
    response.end(JSON.stringify({ data: [{ id: "stolen" }] }))
  })
  const otherOrigin = await listen(other)
  const server = Http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1")
    const request_: Sent = {
      index: sent.length,
      path: url.pathname.replace(/^\/v\d+\.\d+/, ""),
      query: Object.fromEntries(url.searchParams),
      headers: flat(request.headers),
      at: Date.now()
    }
    sent.push(request_)
    const reply = replies(request_)
    if ("hang" in reply) return
    if ("redirectOffOrigin" in reply) {
      response.writeHead(302, { location: `${otherOrigin}/collect${url.search}` }).end()
      return
    }
    const text = reply.raw ?? (reply.body === undefined ? "" : JSON.stringify(reply.body))
    const encoding = reply.gzip === true ? { "content-encoding": "gzip" } : {}
    const answer = () =>
      response.writeHead(reply.status ?? 200, { "content-type": "application/json", ...encoding, ...reply.headers })
        .end(reply.gzip === true ? Zlib.gzipSync(text) : text)
    if (reply.delayMs === undefined) answer()
    else setTimeout(answer, reply.delayMs)
  })
  const origin = await listen(server)
  return {
    origin,
    sent,
    offOrigin: () => offOrigin,
    close: () => Promise.all([shut(server), shut(other)]).then(() => undefined)
  }
}
