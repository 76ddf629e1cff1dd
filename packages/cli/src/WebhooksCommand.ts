/**
 * `waba webhooks serve`: the inventory's webhook app (`Webhooks.app`) on `/` of an HTTP server, until
 * stopped. The verify token and the app secret must be given (the secret is what makes a delivery
 * trustworthy: without it every delivery would be refused), the port must be one, and the store must open,
 * all before the server listens. One JSON line on stdout says where it listens.
 */
import * as Webhooks from "@effect-waba/inventory/Webhooks"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import * as CommandError from "./CommandError.js"
import { defaultDb, type WebhooksServeInput } from "./CommandLine.js"
import * as Database from "./Database.js"
import { Output } from "./Output.js"
import { UsageError } from "./UsageError.js"

const required = <A>(value: A | undefined, error: UsageError) =>
  value === undefined ? Effect.fail(error) : Effect.succeed(value)

/** `waba webhooks serve`. */
export const run = (input: WebhooksServeInput): Effect.Effect<void, CommandError.CommandError, Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    const { host, port } = input
    if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
      return yield* new UsageError({ message: `--port must be from 0 to 65535; got ${port}.` })
    }
    if (host.trim() === "") return yield* new UsageError({ message: "--host is empty." })
    const verifyToken = yield* required(
      input.verifyToken,
      new UsageError({
        message: "Give the verify token: --verify-token TOKEN, or WEBHOOK_VERIFY_TOKEN.",
        hint: "It is the word you type with the callback URL in your app's webhook settings; Meta sends it back " +
          "once, to check that the URL is yours."
      })
    )
    const appSecret = yield* required(
      input.appSecret,
      new UsageError({
        message: "Set GRAPH_APP_SECRET to the app secret: Meta signs every delivery with it, and waba applies only " +
          "deliveries signed with it.",
        hint: "The secret is in the App Dashboard, under App settings > Basic."
      })
    )
    const location = yield* Database.parse(input.db ?? defaultDb)
    const opened = yield* Database.open(location, { create: true })
    const server = yield* NodeHttpServer.make(() => Http.createServer(), { port, host: host.trim() })
    yield* server.serve(Webhooks.app({ verifyToken, appSecret })).pipe(Effect.provide(opened))
    const address = server.address
    const shown = address._tag === "TcpAddress"
      ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}/`
      : `unix:${address.path}`
    yield* output.stdout.write(`${JSON.stringify({ url: shown, db: Database.describe(location) })}\n`)
    if (output.stderr.isTTY) {
      yield* Effect.ignore(output.stderr.write(
        `waba: receiving webhooks on ${shown} into ${Database.describe(location)}; press Ctrl-C to stop.\n`
      ))
    }
    return yield* Effect.never
  }).pipe(
    Effect.scoped,
    // Whoever was to read the address has gone: nobody can point Meta at the server.
    Effect.catchTag("BrokenPipe", () => Effect.void),
    Effect.mapError((error) => {
      const location = Database.parse(input.db ?? defaultDb)
      return location._tag === "Right"
        ? CommandError.make(error, { store: Database.describe(location.right) }, [
          ...Database.secrets(location.right),
          ...[input.verifyToken, input.appSecret].filter((secret) => secret !== undefined)
        ])
        : CommandError.make(error)
    })
  )
