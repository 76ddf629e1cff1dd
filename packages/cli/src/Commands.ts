/**
 * The `waba` command line: `waba accounts` lists a business's WhatsApp Business Accounts, `waba emulator`
 * runs the Graph emulator as a standalone server.
 *
 * {@link main} runs a command line and returns the process exit code; it never fails. Errors are
 * rendered on stderr by {@link ErrorReport}, data goes to stdout only.
 *
 * @since 0.1.0
 */
import { Emulator, EmulatorHttpClient, EmulatorServer } from "@effect-waba/emulator"
import type * as Faults from "@effect-waba/emulator/Faults"
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import type { InvalidRequestError } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as Args from "@effect/cli/Args"
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Config from "effect/Config"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as AccountsRequest from "./AccountsRequest.js"
import * as ErrorReport from "./ErrorReport.js"
import * as Format from "./Format.js"
import { Output } from "./Output.js"
import { Progress } from "./Progress.js"
import { UsageError } from "./UsageError.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const version = "0.1.0"

/**
 * An error with what the command knew when it happened, so the report can be concrete and scrubbed.
 */
class Failed extends Data.TaggedError("Failed")<{
  readonly error: unknown
  readonly context: ErrorReport.Context
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
}> {}

const optionalSetting = (name: string) =>
  Config.string(name).pipe(Config.option, Config.map(Option.filter((value) => value.trim() !== "")))

const optionalSecret = (name: string) =>
  Config.redacted(name).pipe(Config.option, Config.map(Option.filter((value) => Redacted.value(value).trim() !== "")))

/** The Graph settings the environment holds; flags win over them. */
const environment = Config.all({
  token: optionalSecret("GRAPH_ACCESS_TOKEN"),
  appSecret: optionalSecret("GRAPH_APP_SECRET"),
  apiVersion: optionalSetting("GRAPH_API_VERSION"),
  baseUrl: optionalSetting("GRAPH_BASE_URL")
})

// @effect/cli's own messages for a bad number or choice do not name the option; these do.
const invalidValue = (message: string) =>
  Effect.fail(ValidationError.invalidValue(HelpDoc.p(`waba: error: ${message}`)))

const integerOption = (name: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("integer"),
    Options.mapEffect((text) =>
      /^-?\d{1,15}$/.test(text.trim())
        ? Effect.succeed(Number(text.trim()))
        : invalidValue(`--${name} takes a whole number; got "${text}".`)
    )
  )

const numberOption = (name: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("number"),
    Options.mapEffect((text) =>
      /^\s*\d+(\.\d+)?\s*$/.test(text)
        ? Effect.succeed(Number(text))
        : invalidValue(`--${name} takes a number such as 0.1; got "${text}".`)
    )
  )

const choiceOption = <const A extends string>(name: string, choices: ReadonlyArray<A>) =>
  Options.text(name).pipe(
    Options.withPseudoName(choices.join("|")),
    Options.mapEffect((text) =>
      (choices as ReadonlyArray<string>).includes(text)
        ? Effect.succeed(text as A)
        : invalidValue(`--${name} takes one of ${choices.join(", ")}; got "${text}".`)
    )
  )

// -----------------------------------------------------------------------------
// waba accounts
// -----------------------------------------------------------------------------

const accountsConfig = {
  businessId: Args.text({ name: "business-id" }).pipe(
    Args.withDescription(
      "The business whose accounts to list (numeric, from Business Settings > Business info). Optional in demo mode."
    ),
    Args.optional
  ),
  fields: Options.text("fields").pipe(
    Options.withDescription(
      "Comma-separated fields to read, e.g. name,creation_time,ownership_type. Default: Graph's."
    ),
    Options.optional
  ),
  filter: Options.text("filter").pipe(
    Options.withDescription(
      "A condition, e.g. creation_time>2024-01-01, creation_time=2024-01-01..2024-06-30, " +
        "ownership_type=SELF,CLIENT_OWNED. Repeat to combine. See docs/cli.md."
    ),
    Options.repeated
  ),
  sort: choiceOption("sort", AccountsRequest.sortChoices).pipe(
    Options.withDescription("Order by creation time: asc or desc (or Graph's creation_time_ascending/descending)."),
    Options.optional
  ),
  limit: integerOption("limit").pipe(Options.withDescription("Page size, 1 to 100."), Options.optional),
  max: integerOption("max").pipe(
    Options.withDescription("Stop after this many accounts; no page beyond them is fetched."),
    Options.optional
  ),
  after: Options.text("after").pipe(
    Options.withDescription("Resume after this cursor (from an earlier error's advice)."),
    Options.optional
  ),
  format: choiceOption("format", Format.formats).pipe(
    Options.withDescription("Output: table (default), jsonl, json or csv."),
    Options.withDefault("table" as Format.Format)
  ),
  prefetch: integerOption("prefetch").pipe(
    Options.withDescription("Fetch up to this many pages ahead (1 to 16) while output is written."),
    Options.optional
  ),
  token: Options.redacted("token").pipe(
    Options.withDescription("Access token (default: GRAPH_ACCESS_TOKEN). Without any, the demo runs."),
    Options.optional
  ),
  appSecret: Options.redacted("app-secret").pipe(
    Options.withDescription("App secret, to sign calls with appsecret_proof (default: GRAPH_APP_SECRET)."),
    Options.optional
  ),
  baseUrl: Options.text("base-url").pipe(
    Options.withDescription("Graph API origin (default: GRAPH_BASE_URL, else https://graph.facebook.com)."),
    Options.optional
  ),
  apiVersion: Options.text("api-version").pipe(
    Options.withDescription(`Graph API version (default: GRAPH_API_VERSION, else ${GraphConfig.defaultApiVersion}).`),
    Options.optional
  ),
  maxRetries: integerOption("max-retries").pipe(
    Options.withDescription("Retries of a throttled or failed call, 0 to 100 (default 4)."),
    Options.optional
  )
}

type AccountsInput = Command.Command.ParseConfig<typeof accountsConfig>

interface Target {
  readonly businessId: string
  readonly http: Layer.Layer<HttpClient.HttpClient>
  readonly config: GraphConfig.Options
  readonly context: ErrorReport.Context
}

const demoTarget = (
  input: AccountsInput,
  request: AccountsRequest.AccountsRequest
): Effect.Effect<Target, InvalidRequestError, Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    const emulator = Emulator.unsafeMake()
    const businesses = emulator.dataset.businesses
    const businessId = Option.getOrElse(input.businessId, () => businesses[0]!.id)
    const business = businesses.find((candidate) => candidate.id === businessId)
    const others = businesses.filter((candidate) => candidate.id !== businessId).map((candidate) => candidate.id)
    const which = business === undefined
      ? `business ${businessId} (not a demo business) from an embedded emulator; the demo businesses are ${
        businesses.map((candidate) => candidate.id).join(", ")
      }`
      : `demo business ${business.id} ("${business.name}", ${business.accounts} accounts) from an embedded ` +
        `emulator; other demo businesses: ${others.join(", ")}`
    yield* check(businessId, request)
    yield* output.stderr.write(
      `waba: no access token (GRAPH_ACCESS_TOKEN or --token), so this is a demo: listing ${which}.\n`
    ).pipe(Effect.ignore)
    return {
      businessId,
      http: EmulatorHttpClient.layer.pipe(Layer.provide(Layer.succeed(Emulator.Emulator, emulator))),
      config: {
        accessToken: emulator.token,
        ...retrySettings(input)
      },
      context: { baseUrl: "the embedded emulator", businessId }
    } satisfies Target
  })

const retrySettings = (input: AccountsInput): Pick<GraphConfig.Options, "retry"> =>
  Option.match(input.maxRetries, { onNone: () => ({}), onSome: (maxRetries) => ({ retry: { maxRetries } }) })

const check = (
  businessId: string,
  request: AccountsRequest.AccountsRequest
): Effect.Effect<void, InvalidRequestError> =>
  Either.match(AccountsRequest.validateFor(businessId, request), {
    onLeft: (error) => Effect.fail(error),
    onRight: () => Effect.void
  })

/** Where a read stands: the cursor the next page is requested with. */
interface Progress_ {
  after: string | undefined
}

const streamAccounts = (
  target: Target,
  request: AccountsRequest.AccountsRequest,
  format: Format.Format,
  progressed: Progress_
) =>
  Effect.gen(function*() {
    const output = yield* Output
    const progress = yield* Progress
    const renderer = Format.renderer(format, {
      columns: request.columns,
      terminalWidth: output.stdout.columns
    })
    const write = (text: string) => progress.around(output.stdout.write(text))
    const accounts = OwnedAccounts.pages(target.businessId, request.options).pipe(
      Stream.tap((page) =>
        Effect.zipRight(
          progress.page(page.number),
          Effect.sync(() => {
            progressed.after = page.nextAfter
          })
        )
      ),
      Stream.mapConcat((page) => page.accounts as ReadonlyArray<Format.Row>)
    )
    let delivered = 0
    yield* Stream.runForEachChunk(
      request.max === undefined ? accounts : Stream.take(accounts, request.max),
      (chunk) => {
        const rows = Chunk.toReadonlyArray(chunk)
        delivered += rows.length
        return Effect.zipRight(write(renderer.push(rows)), progress.delivered(delivered))
      }
    ).pipe(
      // What arrived before an error is still written, marked incomplete, before the error is reported.
      Effect.tapError((error) =>
        error._tag === "BrokenPipe" || delivered === 0 ? Effect.void : write(renderer.end(false))
      ),
      Effect.zipRight(Effect.suspend(() => write(renderer.end(true)))),
      Effect.ensuring(progress.finish)
    )
  }).pipe(
    Effect.provide(
      GraphClient.layer.pipe(Layer.provide(GraphConfig.layer(target.config)), Layer.provide(target.http))
    )
  )

const runAccounts = (input: AccountsInput) =>
  Effect.gen(function*() {
    const request = yield* Either.match(
      AccountsRequest.make({
        fields: input.fields,
        filter: input.filter,
        sort: input.sort,
        limit: input.limit,
        max: input.max,
        after: input.after,
        prefetch: input.prefetch
      }),
      { onLeft: Effect.fail, onRight: Effect.succeed }
    )
    if (Option.isSome(input.businessId) && input.businessId.value.startsWith("-")) {
      return yield* Effect.fail(
        new UsageError({
          message: `Unknown option ${input.businessId.value}.`,
          hint: "waba accounts --help lists the options."
        })
      )
    }
    const env = yield* environment
    const token = Option.orElse(input.token, () => env.token)
    const appSecret = Option.orElse(input.appSecret, () => env.appSecret)
    const baseUrl = Option.orElse(input.baseUrl, () => env.baseUrl)
    const apiVersion = Option.orElse(input.apiVersion, () => env.apiVersion)
    const secrets = [...Option.toArray(token), ...Option.toArray(appSecret)]
    const fail = (error: unknown, context: ErrorReport.Context = {}) =>
      Effect.fail(new Failed({ error, context, secrets }))

    if (Option.isNone(token)) {
      if (Option.isSome(baseUrl)) {
        return yield* fail(
          new UsageError({
            message: `A base URL (${baseUrl.value}) was given, but no access token.`,
            hint: "Set GRAPH_ACCESS_TOKEN or pass --token (for an emulator server, the token `waba emulator` " +
              "printed). Without a token and without a base URL, waba runs its embedded demo."
          })
        )
      }
      const target = yield* demoTarget(input, request).pipe(
        Effect.catchAll((error) => fail(error, { baseUrl: "the embedded emulator" }))
      )
      const progressed: Progress_ = { after: request.options.after }
      return yield* streamAccounts(target, request, input.format, progressed).pipe(
        Effect.catchAll((error) => fail(error, { ...target.context, resumeAfter: progressed.after }))
      )
    }

    if (Option.isNone(input.businessId)) {
      return yield* fail(
        new UsageError({
          message: "Name the business whose accounts to list: waba accounts <business-id>.",
          hint: "The id is numeric; find it in Business Settings > Business info. (Without a token, waba runs a demo " +
            "and picks a demo business itself.)"
        })
      )
    }
    const businessId = input.businessId.value
    const context: ErrorReport.Context = {
      baseUrl: Option.getOrElse(baseUrl, () => GraphConfig.defaultBaseUrl),
      businessId
    }
    yield* check(businessId, request).pipe(Effect.catchAll((error) => fail(error, context)))
    const target: Target = {
      businessId,
      http: FetchHttpClient.layer,
      config: {
        accessToken: token.value,
        appSecret: Option.getOrUndefined(appSecret),
        baseUrl: Option.getOrUndefined(baseUrl),
        apiVersion: Option.getOrUndefined(apiVersion),
        ...retrySettings(input)
      },
      context
    }
    const progressed: Progress_ = { after: request.options.after }
    return yield* streamAccounts(target, request, input.format, progressed).pipe(
      Effect.catchAll((error) => fail(error, { ...context, resumeAfter: progressed.after }))
    )
  })

/**
 * `waba accounts [business-id]`.
 *
 * @since 0.1.0
 * @category commands
 */
export const accounts = Command.make("accounts", accountsConfig, runAccounts).pipe(
  Command.withDescription(
    "List the WhatsApp Business Accounts a business owns. Without a token (GRAPH_ACCESS_TOKEN or --token), " +
      "lists a demo business from an embedded emulator."
  )
)

// -----------------------------------------------------------------------------
// waba emulator
// -----------------------------------------------------------------------------

/**
 * The kinds of fault `--fault-kind` can inject.
 *
 * @since 0.1.0
 * @category constants
 */
export const faultKinds = ["graph-error", "http-error", "reset", "truncated", "non-json"] as const

const emulatorConfig = {
  port: integerOption("port").pipe(
    Options.withDescription("Port to listen on (loopback only); 0 picks a free one."),
    Options.withDefault(0)
  ),
  seed: Options.text("seed").pipe(
    Options.withDescription("Seed of the generated data: the same seed gives the same data."),
    Options.optional
  ),
  businesses: integerOption("businesses").pipe(
    Options.withDescription("How many businesses (default: 3 businesses owning 137, 12 and 0 accounts)."),
    Options.optional
  ),
  accounts: integerOption("accounts").pipe(
    Options.withDescription("Accounts per business when --businesses or --accounts is given (default 25)."),
    Options.optional
  ),
  faultRate: numberOption("fault-rate").pipe(
    Options.withDescription("Share of requests (0 to 1) that fail with --fault-kind."),
    Options.optional
  ),
  faultKind: choiceOption("fault-kind", faultKinds).pipe(
    Options.withDescription(
      "graph-error (code 2, transient), http-error (HTTP 503), reset (connection cut mid-body), " +
        "truncated (JSON cut short) or non-json (an HTML page)."
    ),
    Options.withDefault("graph-error" as typeof faultKinds[number])
  ),
  latency: integerOption("latency").pipe(
    Options.withDescription("Milliseconds added to every response."),
    Options.optional
  ),
  latencyJitter: integerOption("latency-jitter").pipe(
    Options.withDescription("Up to this many more milliseconds, varying per request."),
    Options.optional
  ),
  rateLimit: integerOption("rate-limit").pipe(
    Options.withDescription("Calls per hour per business before error 80008 (default 200); 0 turns limits off."),
    Options.optional
  ),
  requireAppsecretProof: Options.boolean("require-appsecret-proof").pipe(
    Options.withDescription("Refuse calls without appsecret_proof, like Graph's \"Require App Secret\" setting.")
  ),
  filterAfterPaging: Options.boolean("filter-after-paging").pipe(
    Options.withDescription("Filter after cutting pages, as Graph does: filtered pages may be short or empty.")
  )
}

type EmulatorInput = Command.Command.ParseConfig<typeof emulatorConfig>

const usage = (message: string) => Either.left(new UsageError({ message }))

const inRange = (name: string, value: number, min: number, max: number): Either.Either<number, UsageError> =>
  Number.isFinite(value) && value >= min && value <= max
    ? Either.right(value)
    : usage(`--${name} must be from ${min} to ${max}; got ${value}.`)

const faultOf = (kind: typeof faultKinds[number]): Faults.Fault => {
  switch (kind) {
    case "graph-error":
      return { kind: "graphError", code: 2 }
    case "http-error":
      return { kind: "httpError", status: 503 }
    case "reset":
      return { kind: "reset" }
    case "truncated":
      return { kind: "truncated" }
    case "non-json":
      return { kind: "nonJson" }
  }
}

/**
 * The emulator options `waba emulator`'s flags describe.
 *
 * @since 0.1.0
 * @category emulator
 */
export const emulatorOptions = (input: EmulatorInput): Either.Either<Emulator.Options, UsageError> =>
  Either.gen(function*() {
    const rules: Array<Faults.Rule> = []
    if (Option.isSome(input.faultRate)) {
      const rate = yield* inRange("fault-rate", input.faultRate.value, 0, 1)
      if (rate > 0) rules.push({ ...faultOf(input.faultKind), when: { rate } })
    }
    if (Option.isSome(input.latency) || Option.isSome(input.latencyJitter)) {
      const ms = yield* inRange("latency", Option.getOrElse(input.latency, () => 0), 0, 600_000)
      const jitterMs = yield* inRange("latency-jitter", Option.getOrElse(input.latencyJitter, () => 0), 0, 600_000)
      rules.push({ kind: "latency", ms, jitterMs, when: { rate: 1 } })
    }
    const sized = Option.isSome(input.businesses) || Option.isSome(input.accounts)
    const businesses = yield* inRange("businesses", Option.getOrElse(input.businesses, () => 1), 1, 1000)
    const accounts = yield* inRange("accounts", Option.getOrElse(input.accounts, () => 25), 0, 10_000_000)
    const rateLimit = Option.isSome(input.rateLimit)
      ? yield* inRange("rate-limit", input.rateLimit.value, 0, 1_000_000_000)
      : undefined
    const seed = Option.map(input.seed, (text) => /^\d{1,15}$/.test(text) ? Number(text) : text)
    return {
      ...(Option.isSome(seed) ? { seed: seed.value } : {}),
      ...(sized ? { businesses, accountsPerBusiness: accounts } : {}),
      ...(rateLimit === undefined ? {} : { rateLimit: rateLimit === 0 ? false : { businessCalls: rateLimit } }),
      requireAppSecretProof: input.requireAppsecretProof,
      quirks: { filterAfterPaging: input.filterAfterPaging },
      faults: rules
    }
  })

/**
 * What `waba emulator` prints: one JSON line with everything a test needs to use the server.
 *
 * @since 0.1.0
 * @category emulator
 */
export const emulatorInfo = (emulator: Emulator.EmulatorService, url: string) => ({
  url,
  token: emulator.token,
  businessIds: emulator.businessIds,
  businesses: emulator.dataset.businesses.map((business) => ({
    id: business.id,
    name: business.name,
    accounts: business.accounts
  })),
  appSecret: emulator.appSecret,
  expiredToken: Emulator.expiredToken,
  limitedToken: Emulator.limitedToken,
  seed: emulator.dataset.seed,
  env: { GRAPH_BASE_URL: url, GRAPH_ACCESS_TOKEN: emulator.token }
})

const runEmulator = (input: EmulatorInput) =>
  Effect.gen(function*() {
    const output = yield* Output
    const port = yield* inRange("port", input.port, 0, 65535)
    const options = yield* emulatorOptions(input)
    const emulator = yield* Effect.try({
      try: () => Emulator.unsafeMake(options),
      catch: (error) => new UsageError({ message: error instanceof Error ? error.message : String(error) })
    })
    const server = yield* EmulatorServer.make({ port }).pipe(Effect.provideService(Emulator.Emulator, emulator))
    yield* output.stdout.write(`${JSON.stringify(emulatorInfo(emulator, server.url))}\n`)
    if (output.stderr.isTTY) {
      yield* output.stderr.write(`waba: emulator listening on ${server.url}; press Ctrl-C to stop.\n`)
    }
    return yield* Effect.never
  }).pipe(Effect.scoped, Effect.mapError((error) => new Failed({ error, context: {}, secrets: [] })))

/**
 * `waba emulator`.
 *
 * @since 0.1.0
 * @category commands
 */
export const emulator = Command.make("emulator", emulatorConfig, runEmulator).pipe(
  Command.withDescription(
    "Run the Graph API emulator on loopback until interrupted. Prints one JSON line: url, token, businessIds, ..."
  )
)

// -----------------------------------------------------------------------------
// waba
// -----------------------------------------------------------------------------

/**
 * The root command.
 *
 * @since 0.1.0
 * @category commands
 */
export const waba = Command.make("waba", {}, () =>
  Effect.fail(
    new Failed({
      error: new UsageError({
        message: "Name a command.",
        hint: "waba accounts [business-id] lists accounts; waba emulator runs the emulator; waba --help says more."
      }),
      context: {},
      secrets: []
    })
  )).pipe(
    Command.withDescription("Read a business's WhatsApp Business Accounts from Meta's Graph API."),
    Command.withSubcommands([accounts, emulator])
  )

/**
 * What the commands need from the platform.
 *
 * @since 0.1.0
 * @category models
 */
export type Environment = CliApp.CliApp.Environment | Output | Progress

const cli = Command.run(waba, { name: "waba", version })

const report = (error: unknown): Effect.Effect<ErrorReport.ExitCode, never, Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    const failed = error instanceof Failed ? error : undefined
    const inner = failed?.error ?? error
    if (inner instanceof Object && "_tag" in inner && inner._tag === "BrokenPipe") return ErrorReport.ExitCode.ok
    // @effect/cli has already printed its own usage errors (and help, when asked).
    if (ValidationError.isValidationError(inner)) return ErrorReport.ExitCode.usage
    const explained = ErrorReport.make(inner, failed?.context ?? {})
    const color = output.stderr.isTTY && process.env.NO_COLOR === undefined
    yield* output.stderr.write(ErrorReport.format(explained, { color, secrets: failed?.secrets ?? [] })).pipe(
      Effect.ignore
    )
    return explained.exitCode
  })

/**
 * Runs a command line (`process.argv`: the runtime, the script, then the arguments) and returns the exit
 * code. Never fails: every error is reported on stderr.
 *
 * @since 0.1.0
 * @category running
 */
export const main = (argv: ReadonlyArray<string>): Effect.Effect<ErrorReport.ExitCode, never, Environment> =>
  cli(argv).pipe(
    Effect.as(ErrorReport.ExitCode.ok),
    Effect.catchAll(report),
    Effect.catchAllCause((cause) => Cause.isInterruptedOnly(cause) ? Effect.interrupt : report(Cause.squash(cause)))
  )
