import * as Http from "node:http"
import type * as Net from "node:net"
import { connect } from "node:net"

/** One request a proxy was asked to carry. */
export interface Carried {
  readonly method: string
  /** `host:port` for a tunnel, the absolute URL otherwise. */
  readonly target: string
  readonly authorization: string | undefined
}

export interface RunningProxy {
  readonly url: string
  readonly port: number
  readonly carried: () => ReadonlyArray<Carried>
  readonly stop: () => Promise<void>
}

/**
 * An HTTP proxy on loopback that forwards to wherever it is asked (tunnels with CONNECT, plain requests in
 * absolute form) and records what it carried. With `credentials`, it refuses (407) requests whose
 * Proxy-Authorization does not carry them.
 */
export const startProxy = (options: { readonly credentials?: string } = {}): Promise<RunningProxy> =>
  new Promise((resolve) => {
    const carried: Array<Carried> = []
    const sockets = new Set<Net.Socket>()
    const expected = options.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(options.credentials).toString("base64")}`
    const allowed = (authorization: string | undefined) => expected === undefined || authorization === expected

    const server = Http.createServer((request, response) => {
      const authorization = request.headers["proxy-authorization"]
      carried.push({ method: request.method ?? "", target: request.url ?? "", authorization })
      if (!allowed(authorization)) {
        response.writeHead(407, { "proxy-authenticate": "Basic realm=\"test\"" }).end()
        return
      }
      const url = new URL(request.url ?? "")
      const headers = { ...request.headers, host: url.host }
      delete headers["proxy-authorization"]
      const upstream = Http.request(
        { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: request.method, headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(response)
        }
      )
      upstream.on("error", () => response.destroy())
      request.pipe(upstream)
    })

    server.on("connect", (request: Http.IncomingMessage, client: Net.Socket, head: Buffer) => {
      const authorization = request.headers["proxy-authorization"]
      carried.push({ method: "CONNECT", target: request.url ?? "", authorization })
      if (!allowed(authorization)) {
        client.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n\r\n")
        return
      }
      const [host = "", port = ""] = (request.url ?? "").split(":")
      const upstream = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      sockets.add(upstream)
      upstream.on("error", () => client.destroy())
      client.on("error", () => upstream.destroy())
    })
    server.on("connection", (socket: Net.Socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })

    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as Net.AddressInfo).port
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        carried: () => carried,
        stop: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })
