/**
 * `waba webhooks serve`: the inventory's webhook app (`Webhooks.app`) on `/` of an HTTP server, until
 * stopped. The verify token and the app secret must be given (the secret is what makes a delivery
 * trustworthy: without it every delivery would be refused), the port must be one, a tokens file must read,
 * and the store must open, all before the server listens. One JSON line on stdout says where it listens.
 *
 * With credentials (a token, or a token per business from a tokens file, as `waba sync` takes them), the
 * app gets a Graph client, so the account of an event that does not carry the new state is re-read, as a
 * business that sees it. Without any there is no client: events are applied as they come. Never the
 * demo's embedded emulator: its accounts are not the ones Meta sends events about, and a re-read from it
 * would write made-up data over the store's.
 */
import * as GraphEvents from "@effect-waba/graph-core/GraphEvents"
import * as Webhooks from "@effect-waba/inventory/Webhooks"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as CommandError from "./CommandError.js"
import { defaultDb, type WebhooksServeInput } from "./CommandLine.js"
import * as Database from "./Database.js"
import * as GraphTarget from "./GraphTarget.js"
import { Output } from "./Output.js"
import * as Progress from "./Progress.js"
import * as TokensFile from "./TokensFile.js"
import { UsageError } from "./UsageError.js"

const required = <A>(value: A | undefined, error: UsageError) =>
  value === undefined ? Effect.fail(error) : Effect.succeed(value)

// `--verbose`: each retry and hold of a re-read, a line of its own on stderr, for as long as the server runs.
const verboseEvents = Effect.gen(function*() {
  const progress = yield* Progress.Progress
  const events = yield* GraphEvents.make()
  yield* Stream.runForEach(
    yield* events.subscribe,
    (event) => Effect.sync(() => progress.note(Progress.line(event)))
  ).pipe(Effect.forkScoped)
  return Context.make(GraphEvents.GraphEvents, events)
})

/** `waba webhooks serve`. */
export const run = (
  input: WebhooksServeInput
): Effect.Effect<void, CommandError.CommandError, Output | Progress.Progress> => {
  // The tokens file's secrets, once read, are scrubbed from whatever fails after (the store, the server).
  let entries: ReadonlyArray<TokensFile.Entry> = []
  return Effect.gen(function*() {
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
    const tokens = input.tokens === undefined ? undefined : yield* TokensFile.read(input.tokens)
    entries = tokens ?? []
    const connection = yield* GraphTarget.connect(input, tokens)
    const opened = yield* Database.open(location, { create: true })
    // Built before the server listens, and kept until it stops.
    const graph = connection === undefined
      ? Context.empty()
      : yield* Effect.mapError(
        Layer.build(connection.client),
        (error) => new CommandError.CommandError({ error, context: connection.context, secrets: connection.secrets })
      )
    const events = connection?.verbose === true ? yield* verboseEvents : Context.empty()
    const server = yield* NodeHttpServer.make(() => Http.createServer(), { port, host: host.trim() })
    yield* server.serve(Webhooks.app({ verifyToken, appSecret })).pipe(
      Effect.provide(Context.merge(opened, Context.merge(graph, events)))
    )
    const address = server.address
    const shown = address._tag === "TcpAddress"
      ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}/`
      : `unix:${address.path}`
    yield* output.stdout.write(`${JSON.stringify({ url: shown, db: Database.describe(location) })}\n`)
    if (output.stderr.isTTY) {
      const rereads = connection === undefined
        ? "waba: no access token (GRAPH_ACCESS_TOKEN, --token or --tokens FILE), so accounts are not re-read: " +
          "each event is applied as it comes, and what an event does not carry (a number's quality rating, an " +
          "account's new state) waits for the next waba sync.\n"
        : `waba: the account of an event that does not carry the new state is re-read from ${
          connection.context.baseUrl ?? "Graph"
        }.\n`
      yield* Effect.ignore(output.stderr.write(
        rereads +
          `waba: receiving webhooks on ${shown} into ${Database.describe(location)}; press Ctrl-C to stop.\n`
      ))
    }
    return yield* Effect.never
  }).pipe(
    Effect.scoped,
    // Whoever was to read the address has gone: nobody can point Meta at the server.
    Effect.catchTag("BrokenPipe", () => Effect.void),
    Effect.mapError((error) => {
      // The connection's errors come with their own context and secrets.
      if (error instanceof CommandError.CommandError) return error
      const location = Database.parse(input.db ?? defaultDb)
      return location._tag === "Right"
        ? CommandError.make(error, { store: Database.describe(location.right) }, [
          ...Database.secrets(location.right),
          ...[input.verifyToken, input.appSecret, input.token].filter((secret) => secret !== undefined),
          ...TokensFile.secrets(entries)
        ])
        : CommandError.make(error)
    })
  )
}
