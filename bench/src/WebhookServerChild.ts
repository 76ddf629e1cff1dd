/**
 * A webhook receiver in a process of its own, for the inventory scenario's deliveries: `Webhooks.app` over
 * a SQLite store (a file, or memory), or the baseline, the same Node HTTP server through `@effect/platform`
 * answering 200 to every POST once its body is read, applying nothing.
 *
 *   node dist/WebhookServerChild.js '{"app":"inventory","database":"/tmp/…/inventory.db","appSecret":"…"}'
 *
 * Prints one line of JSON (`WebhookServerInfo`) once listening, and stays up until its stdin closes; then
 * prints its peak RSS (`WebhookServerExit`) and exits.
 */
import { Migrations, Webhooks } from "@effect-waba/inventory"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Http from "node:http"

export interface WebhookServerJob {
  readonly app: "inventory" | "baseline"
  /** The SQLite file, or `:memory:`. */
  readonly database: string
  readonly appSecret: string
}

export interface WebhookServerInfo {
  readonly url: string
  readonly pid: number
}

export interface WebhookServerExit {
  readonly maxRssKiB: number
}

const job = JSON.parse(process.argv[2] ?? "{}") as WebhookServerJob

const baseline = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  yield* Effect.orDie(request.arrayBuffer)
  return HttpServerResponse.text("OK")
})

const inventory = Webhooks.app({
  verifyToken: Redacted.make("bench-verify-token"),
  appSecret: Redacted.make(job.appSecret)
})

const Store = Migrations.layer.pipe(Layer.provideMerge(SqliteClient.layer({ filename: job.database })))

const nodeServer = Http.createServer()

const main = Effect.gen(function*() {
  const server = yield* HttpServer.HttpServer
  yield* server.serve(job.app === "inventory" ? inventory : baseline)
  const address = server.address
  const port = address._tag === "TcpAddress" ? address.port : 0
  const info: WebhookServerInfo = { url: `http://127.0.0.1:${port}`, pid: process.pid }
  process.stdout.write(`${JSON.stringify(info)}\n`)
  const closed = yield* Deferred.make<void>()
  process.stdin.on("end", () => {
    // The load's keep-alive sockets would otherwise hold the server's close.
    nodeServer.closeAllConnections()
    Deferred.unsafeDone(closed, Effect.void)
  })
  process.stdin.resume()
  yield* Deferred.await(closed)
}).pipe(
  Effect.scoped,
  Effect.provide(NodeHttpServer.layer(() => nodeServer, { port: 0, host: "127.0.0.1" })),
  Effect.provide(Store)
)

await Effect.runPromise(main)
const exit: WebhookServerExit = { maxRssKiB: process.resourceUsage().maxRSS }
process.stdout.write(`${JSON.stringify(exit)}\n`)
process.exit(0)
