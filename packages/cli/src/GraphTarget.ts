/**
 * What a command reads from: Meta's Graph API (or another server at `--base-url`) with a token, or, with no
 * token and no base URL, the demo — an emulator inside the process, over no socket at all. Either way the
 * command gets the same thing: a `GraphClient` layer, the id to read, and what the error report needs
 * (where it connected, through which proxy, which secrets to scrub).
 *
 * The emulator, the network transport and undici are each loaded only when the target needs them.
 *
 * @since 0.2.0
 */
import type * as Emulator from "@effect-waba/emulator/Emulator"
import * as GraphClient from "@effect-waba/graph-core/GraphClient"
import * as GraphConfig from "@effect-waba/graph-core/GraphConfig"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as CommandError from "./CommandError.js"
import type * as ConnectionOptions from "./ConnectionOptions.js"
import type * as ErrorReport from "./ErrorReport.js"
import { Output } from "./Output.js"
import * as ProxySettings from "./ProxySettings.js"
import { UsageError } from "./UsageError.js"

/**
 * What a command asks of its target.
 *
 * @since 0.2.0
 * @category models
 */
export interface Request {
  /** The id of the object to read (a business), as typed, if it was. */
  readonly id: Option.Option<string>
  /** The error when a real server is used and no id was given. */
  readonly missingId: UsageError
  /** Checks the request against an id the way a read would, before anything starts or is sent. */
  readonly check: (id: string) => Either.Either<unknown, ErrorReport.CliError>
  /** In the demo: which object to read (the typed id, or a default) and the notice that says so. */
  readonly demo: (emulator: Emulator.EmulatorService, id: Option.Option<string>) => {
    readonly id: string
    readonly notice: string
  }
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Target {
  /** The id to read. */
  readonly id: string
  readonly client: Layer.Layer<GraphClient.GraphClient, GraphConfig.GraphConfigError>
  readonly context: ErrorReport.Context
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  /** Whether to print each retry and hold (`--verbose`). */
  readonly verbose: boolean
}

const retrySettings = (input: ConnectionOptions.Input): Pick<GraphConfig.Options, "retry"> =>
  Option.match(input.maxRetries, { onNone: () => ({}), onSome: (maxRetries) => ({ retry: { maxRetries } }) })

const client = (config: GraphConfig.Options, http: Layer.Layer<HttpClient.HttpClient>) =>
  GraphClient.layer.pipe(Layer.provide(GraphConfig.layer(config)), Layer.provide(http))

const checked = (request: Request, id: string, fail: (error: ErrorReport.CliError) => CommandError.CommandError) =>
  Either.match(request.check(id), { onLeft: (error) => Effect.fail(fail(error)), onRight: () => Effect.void })

const demo = (input: ConnectionOptions.Input, request: Request) =>
  Effect.gen(function*() {
    const output = yield* Output
    const [Emulators, EmulatorHttpClient] = yield* Effect.promise(() =>
      Promise.all([import("@effect-waba/emulator/Emulator"), import("@effect-waba/emulator/EmulatorHttpClient")])
    )
    const emulator = Emulators.unsafeMake()
    const chosen = request.demo(emulator, request.id)
    const context: ErrorReport.Context = { baseUrl: "the embedded emulator", businessId: chosen.id }
    yield* checked(request, chosen.id, (error) => CommandError.make(error, context))
    yield* output.stderr.write(`${chosen.notice}\n`).pipe(Effect.ignore)
    return {
      id: chosen.id,
      client: client(
        { accessToken: emulator.token, ...retrySettings(input) },
        EmulatorHttpClient.layer.pipe(Layer.provide(Layer.succeed(Emulators.Emulator, emulator)))
      ),
      context,
      secrets: [],
      verbose: input.verbose
    } satisfies Target
  })

/**
 * The target for a command's connection options and request: checked (ids, proxy settings), with the demo
 * notice written when it is the demo. Fails with the error report's context already filled in.
 *
 * @since 0.2.0
 * @category constructors
 */
export const resolve = (
  input: ConnectionOptions.Input,
  request: Request
): Effect.Effect<Target, CommandError.CommandError, Output> =>
  Effect.gen(function*() {
    const token = input.token
    const secrets = [...Option.toArray(token), ...Option.toArray(input.appSecret)]
    const proxy = yield* Effect.mapError(
      ProxySettings.resolve(input.proxy),
      (error) => CommandError.make(error, {}, secrets)
    )
    const allSecrets = [...secrets, ...Option.match(proxy, { onNone: () => [], onSome: ProxySettings.secrets })]
    const fail = (error: ErrorReport.CliError, context: ErrorReport.Context = {}) =>
      new CommandError.CommandError({ error, context, secrets: allSecrets })

    if (Option.isNone(token)) {
      if (Option.isSome(input.baseUrl)) {
        return yield* Effect.fail(fail(
          new UsageError({
            message: `A base URL (${input.baseUrl.value}) was given, but no access token.`,
            hint: "Set GRAPH_ACCESS_TOKEN or pass --token (for an emulator server, the token `waba emulator` " +
              "printed). Without a token and without a base URL, waba runs its embedded demo."
          })
        ))
      }
      return yield* demo(input, request)
    }
    if (Option.isNone(request.id)) return yield* Effect.fail(fail(request.missingId))
    const id = request.id.value
    const baseUrl = Option.getOrElse(input.baseUrl, () => GraphConfig.defaultBaseUrl)
    const context: ErrorReport.Context = {
      baseUrl,
      businessId: id,
      proxy: Option.getOrUndefined(
        Option.flatMapNullable(proxy, (settings) => ProxySettings.describeFor(settings, baseUrl))
      )
    }
    yield* checked(request, id, (error) => fail(error, context))
    const NodeTransport = yield* Effect.promise(() => import("./NodeTransport.js"))
    return {
      id,
      client: client({
        accessToken: token.value,
        appSecret: Option.getOrUndefined(input.appSecret),
        baseUrl: Option.getOrUndefined(input.baseUrl),
        apiVersion: Option.getOrUndefined(input.apiVersion),
        ...retrySettings(input)
      }, NodeTransport.layer(proxy)),
      context,
      secrets: allSecrets,
      verbose: input.verbose
    } satisfies Target
  })
