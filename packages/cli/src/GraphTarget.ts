/**
 * What a command reads from: Meta's Graph API (or another server at `--base-url`) with a token, or, with no
 * token and no base URL, the demo — an emulator inside the process, over no socket at all. Either way the
 * command gets the same thing: a `GraphClient` layer, the id to read, and what the error report needs
 * (where it connected, through which proxy, which secrets to scrub).
 *
 * The emulator is loaded only for the demo, undici only for a proxy: Node 20's global `fetch` ignores
 * `HTTPS_PROXY` and cannot take a dispatcher from another copy of undici, so a read through a proxy uses
 * undici's own `fetch` with its `EnvHttpProxyAgent`.
 */
import type * as Emulator from "@effect-waba/emulator/Emulator"
import * as GraphClient from "@effect-waba/graph-core/GraphClient"
import * as GraphConfig from "@effect-waba/graph-core/GraphConfig"
import * as GraphCredentials from "@effect-waba/graph-core/GraphCredentials"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Redacted from "effect/Redacted"
import * as CommandError from "./CommandError.js"
import type { ConnectionInput } from "./CommandLine.js"
import type * as ErrorReport from "./ErrorReport.js"
import { Output } from "./Output.js"
import * as ProxySettings from "./ProxySettings.js"
import * as TokensFile from "./TokensFile.js"
import { UsageError } from "./UsageError.js"

/** What a command asks of its target. */
export interface Request {
  /** The id of the object to read, as typed, if it was. */
  readonly id: Option.Option<string>
  /** The error when a real server is used and no id was given. */
  readonly missingId: UsageError
  /** Checks the request against an id the way a read would, before anything starts or is sent. */
  readonly check: (id: string) => Option.Option<ErrorReport.CliError>
  /** In the demo: which object to read (the typed id, or a default) and the notice that says so. */
  readonly demo: (emulator: Emulator.EmulatorService, id: Option.Option<string>, module: typeof Emulator) => {
    readonly id: string
    readonly notice: string
    /** The demo's own tokens per business, for a command that needs some. */
    readonly tokens?: ReadonlyArray<TokensFile.Entry> | undefined
  }
  /** `--tokens FILE`, read: a token per business, and never the demo. */
  readonly tokens?: ReadonlyArray<TokensFile.Entry> | undefined
}

/** A Graph client for the credentials given, and what the error report needs. */
export interface Connection {
  readonly client: Layer.Layer<GraphClient.GraphClient, GraphConfig.GraphConfigError>
  readonly context: ErrorReport.Context
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  /** Whether to print each retry and hold (`--verbose`). */
  readonly verbose: boolean
  /** A token per business (`--tokens`, or the demo's), which `client` sends for each business. */
  readonly tokens?: ReadonlyArray<TokensFile.Entry> | undefined
}

export interface Target extends Connection {
  /** The id to read. */
  readonly id: string
}

/**
 * The credentials of each business: its own from `tokens`, else `fallback` (the token given), else none:
 * that business's reads then fail with `GraphCredentialsError`.
 */
export const credentials = (
  tokens: ReadonlyArray<TokensFile.Entry>,
  fallback: Redacted.Redacted<string> | undefined
): Layer.Layer<GraphCredentials.GraphCredentials> => {
  const byBusiness = new Map(
    tokens.map((entry) => [entry.businessId, { accessToken: entry.token, appSecret: entry.appSecret }])
  )
  return GraphCredentials.layerLookup((businessId) => Effect.succeed(byBusiness.get(businessId) ?? fallback))
}

const demoNotice = "waba: no access token (GRAPH_ACCESS_TOKEN or --token), so this is a demo:"

/** In the demo, the business to list: the one named, else the first demo business. */
export const demoBusiness: Request["demo"] = (emulator, id) => {
  const businesses = emulator.dataset.businesses
  const businessId = Option.getOrElse(id, () => businesses[0]!.id)
  const business = businesses.find((candidate) => candidate.id === businessId)
  const others = businesses.filter((candidate) => candidate !== business).map((candidate) => candidate.id).join(", ")
  return {
    id: businessId,
    notice: `${demoNotice} listing ${
      business === undefined
        ? `business ${businessId} (not a demo business) from an embedded emulator; the demo businesses are ${others}`
        : `demo business ${business.id} ("${business.name}", ${business.accounts} owned accounts) from an embedded ` +
          `emulator; other demo businesses: ${others}`
    }.`
  }
}

/**
 * In the demo, the account to read: the one named, else the first demo business's first account with phone
 * numbers (it has more than one page of them). `doing` says what the command does with it.
 */
export const demoAccount = (doing: string): Request["demo"] => (emulator, id) => {
  const dataset = emulator.dataset
  const business = dataset.businesses[0]!
  let index = 0
  while (index < business.accounts && dataset.phoneCount(business, index) === 0) index++
  const chosen = Option.getOrElse(id, () => dataset.accountId(business, index < business.accounts ? index : 0))
  const which = Option.isSome(id)
    ? `account ${chosen}`
    : `account ${chosen} of demo business ${business.id} ("${business.name}")`
  return { id: chosen, notice: `${demoNotice} ${doing} ${which} from an embedded emulator.` }
}

// `fetch` through the proxies; the agent is closed (its idle sockets with it) when the layer is released.
const throughProxy = (settings: ProxySettings.ProxySettings): Layer.Layer<HttpClient.HttpClient> =>
  FetchHttpClient.layer.pipe(Layer.provide(Layer.scoped(
    FetchHttpClient.Fetch,
    Effect.gen(function*() {
      const undici = yield* Effect.promise(() => import("undici"))
      const agent = yield* Effect.acquireRelease(
        Effect.sync(() => new undici.EnvHttpProxyAgent(settings)),
        (agent) => Effect.promise(() => agent.destroy())
      )
      // undici's fetch and the DOM's agree at run time; only their type declarations differ.
      return ((input: string | URL | globalThis.Request, init?: globalThis.RequestInit) =>
        undici.fetch(input as string, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch
    })
  )))

// The client over `http` with `config`, sending each business's own token when there is a tokens file.
const clientOf = (
  input: ConnectionInput,
  http: Layer.Layer<HttpClient.HttpClient>,
  config: GraphConfig.Options,
  tokens: ReadonlyArray<TokensFile.Entry> | undefined
) =>
  GraphClient.layer.pipe(
    Layer.provide(GraphConfig.layer({
      ...config,
      ...(input.maxRetries === undefined ? {} : { retry: { maxRetries: input.maxRetries } })
    })),
    Layer.provide(http),
    Layer.provide(tokens === undefined ? Layer.empty : credentials(tokens, input.token))
  )

// The secrets given, the proxy settings checked; and how to fail with those secrets scrubbed.
const prepare = (input: ConnectionInput, tokens: ReadonlyArray<TokensFile.Entry> | undefined) =>
  Effect.gen(function*() {
    const given = [input.token, input.appSecret, ...(tokens === undefined ? [] : TokensFile.secrets(tokens))]
      .filter(Predicate.isNotUndefined)
    const proxy = yield* Effect.mapError(ProxySettings.resolve(input.proxy), (e) => CommandError.make(e, {}, given))
    const secrets = [...given, ...(proxy === undefined ? [] : ProxySettings.secrets(proxy))]
    const fail = (error: ErrorReport.CliError, context: ErrorReport.Context = {}) =>
      new CommandError.CommandError({ error, context, secrets })
    // Graph, or the server at `--base-url`, with `token`.
    const remote = (token: Redacted.Redacted<string>): Connection => {
      const baseUrl = input.baseUrl ?? GraphConfig.defaultBaseUrl
      const { apiVersion, appSecret } = input
      return {
        client: clientOf(
          input,
          proxy === undefined ? FetchHttpClient.layer : throughProxy(proxy),
          { accessToken: token, appSecret, baseUrl: input.baseUrl, apiVersion },
          tokens
        ),
        context: { baseUrl, proxy: proxy === undefined ? undefined : ProxySettings.describeFor(proxy, baseUrl) },
        secrets,
        verbose: input.verbose,
        tokens
      }
    }
    return { fail, remote, secrets }
  })

const noToken = (baseUrl: string, hint: string) =>
  new UsageError({ message: `A base URL (${baseUrl}) was given, but no access token.`, hint })

/**
 * The target for a command's connection options and request: checked (ids, proxy settings), with the demo
 * notice written when it is the demo. Fails with the error report's context already filled in.
 */
export const resolve = (
  input: ConnectionInput,
  request: Request
): Effect.Effect<Target, CommandError.CommandError, Output> =>
  Effect.gen(function*() {
    const { fail, remote, secrets } = yield* prepare(input, request.tokens)
    const checked = (target: Target) =>
      Option.match(request.check(target.id), {
        onSome: (error) => Effect.fail(fail(error, target.context)),
        onNone: () => Effect.succeed(target)
      })
    // A tokens file's first token stands in for the configuration's: every read of a fan-out is made as a
    // business, with that business's own token (or, for a business not in the file, the one given).
    const token = input.token ?? request.tokens?.[0]?.token
    if (token !== undefined) {
      if (Option.isNone(request.id)) return yield* fail(request.missingId)
      const connection = remote(token)
      return yield* checked({
        ...connection,
        id: request.id.value,
        context: { ...connection.context, businessId: request.id.value }
      })
    }
    if (input.baseUrl !== undefined) {
      return yield* fail(noToken(
        input.baseUrl,
        "Set GRAPH_ACCESS_TOKEN or pass --token (for an emulator server, the token `waba emulator` printed). " +
          "Without a token and without a base URL, waba runs its embedded demo."
      ))
    }
    const [Emulators, EmulatorHttpClient] = yield* Effect.promise(() =>
      Promise.all([import("@effect-waba/emulator/Emulator"), import("@effect-waba/emulator/EmulatorHttpClient")])
    )
    const emulator = Emulators.unsafeMake()
    const chosen = request.demo(emulator, request.id, Emulators)
    const demo = yield* checked({
      id: chosen.id,
      client: clientOf(
        input,
        EmulatorHttpClient.layer.pipe(Layer.provide(Layer.succeed(Emulators.Emulator, emulator))),
        { accessToken: emulator.token },
        chosen.tokens
      ),
      context: { baseUrl: "the embedded emulator", businessId: chosen.id },
      secrets,
      verbose: input.verbose,
      tokens: chosen.tokens
    })
    yield* Effect.ignore(Effect.flatMap(Output, (output) => output.stderr.write(`${chosen.notice}\n`)))
    return demo
  })

/**
 * The client for the credentials given (a token, a tokens file), for a command that reads nothing of its
 * own but what it is asked to, later: none without credentials, and never the demo, whose data is not the
 * caller's. A base URL without a token is refused, as `resolve` refuses it.
 */
export const connect = (
  input: ConnectionInput,
  tokens: ReadonlyArray<TokensFile.Entry> | undefined
): Effect.Effect<Connection | undefined, CommandError.CommandError> =>
  Effect.gen(function*() {
    const token = input.token ?? tokens?.[0]?.token
    if (token === undefined && input.baseUrl === undefined) return undefined
    const { fail, remote } = yield* prepare(input, tokens)
    return token !== undefined ? remote(token) : yield* fail(noToken(
      input.baseUrl!,
      "Set GRAPH_ACCESS_TOKEN, pass --token, or give a token per business: --tokens FILE (for an emulator " +
        "server, the token `waba emulator` printed)."
    ))
  })
