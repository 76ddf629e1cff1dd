/**
 * What the read commands do: check what was typed (every check runs before any emulator starts or any request
 * is sent), find the target (Graph or the demo), and write the pages. `waba accounts` reads one edge of one
 * business, or fans out over several businesses and both edges (`FanOut`); `waba
 * phone-numbers` lists an account's numbers; `waba account` reads one account.
 */
import type { GraphClient } from "@effect-waba/graph-core/GraphClient"
import * as ClientAccounts from "@effect-waba/waba/ClientAccounts"
import * as Filter from "@effect-waba/waba/Filter"
import * as OwnedAccounts from "@effect-waba/waba/OwnedAccounts"
import * as PhoneNumber from "@effect-waba/waba/PhoneNumber"
import * as PhoneNumbers from "@effect-waba/waba/PhoneNumbers"
import * as WhatsAppBusinessAccount from "@effect-waba/waba/WhatsAppBusinessAccount"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import * as CommandError from "./CommandError.js"
import type { AccountInput, AccountsInput, PhoneNumbersInput } from "./CommandLine.js"
import type * as ErrorReport from "./ErrorReport.js"
import * as FanOut from "./FanOut.js"
import * as FilterSyntax from "./FilterSyntax.js"
import type * as Format from "./Format.js"
import * as GraphTarget from "./GraphTarget.js"
import * as Listing from "./Listing.js"
import * as Noun from "./Noun.js"
import { Progress } from "./Progress.js"
import * as TokensFile from "./TokensFile.js"
import { UsageError } from "./UsageError.js"

// `--fields`: a comma-separated list of the node's field names, repeats dropped; `undefined` without it.
const fieldsOf = <F extends string>(
  text: string | undefined,
  known: ReadonlyArray<F>
): Either.Either<ReadonlyArray<F> | undefined, UsageError> => {
  if (text === undefined) return Either.right(undefined)
  const names = text.split(",").map((name) => name.trim())
  const fail = (message: string) => Either.left(new UsageError({ message, hint: `Choose from ${known.join(", ")}.` }))
  if (names.every((name) => name === "")) return fail("--fields is empty.")
  if (names.some((name) => name === "")) return fail(`--fields "${text}" has an empty item.`)
  const unknown = names.filter((name) => !(known as ReadonlyArray<string>).includes(name))
  return unknown.length > 0
    ? fail(`--fields names ${unknown.length === 1 ? "an unknown field" : "unknown fields"}: ${unknown.join(", ")}.`)
    : Either.right([...new Set(names as ReadonlyArray<string> as ReadonlyArray<F>)])
}

// Graph's default fields, or the fields asked for with `id` first.
const columnsOf = (fields: ReadonlyArray<string> | undefined, defaults: ReadonlyArray<string>) =>
  fields === undefined ? defaults : ["id", ...fields.filter((field) => field !== "id")]

const maxOf = (max: number | undefined, noun: Noun.Noun): Either.Either<number | undefined, UsageError> =>
  max === undefined || (Number.isInteger(max) && max >= 1)
    ? Either.right(max)
    : Either.left(new UsageError({ message: `--max must be a whole number of ${noun.many}, 1 or more; got ${max}.` }))

// `--verbose`: which clauses a read of `edge` sends Graph and which the client checks on each item.
const explainFilters = (
  label: string,
  edge: Parameters<typeof Filter.toWire>[0],
  filtering: Parameters<typeof Filter.toWire>[1] | undefined,
  noun: Noun.Noun
) =>
  filtering === undefined ?
    Effect.void :
    Effect.flatMap(Progress, (progress) =>
      Effect.sync(() =>
        Either.map(Filter.toWire(edge, filtering), ({ filtering: sent, local }) =>
          progress.note(
            `waba: ${label}filtering sent to Graph: ${sent ?? "none"}; checked here on each ${noun.one}: ${
              local.length === 0 ? "none" : local.join("; ")
            }`
          ))
      ))

type AccountOptions = OwnedAccounts.Options<ReadonlyArray<WhatsAppBusinessAccount.Field>, never, OwnedAccounts.Expand>

// The client edge documents no sort; the tasks the client granted are what it adds, so they are always read.
const clientOptions = (options: AccountOptions): ClientAccounts.Options => ({
  ...options,
  sort: undefined,
  fields: [...(options.fields ?? WhatsAppBusinessAccount.defaultFields), "permitted_tasks"]
})

const accountsRequest = (input: AccountsInput, businessIds: ReadonlyArray<string>) =>
  Either.gen(function*() {
    const fields = yield* fieldsOf(input.fields, WhatsAppBusinessAccount.fields)
    const filtering = yield* FilterSyntax.parse(FilterSyntax.accounts, input.filter)
    const max = yield* maxOf(input.max, Noun.accounts)
    const edges: ReadonlyArray<"owned" | "client"> = input.edge === "all" ? ["owned", "client"] : [input.edge]
    // A tokens file names the businesses to read, however many it holds: the output has one shape for it.
    const fanOut = edges.length > 1 || businessIds.length > 1 || input.tokens !== undefined
    const fanOnly = [
      ["--concurrency", input.concurrency !== undefined],
      ["--done", input.done !== undefined],
      ["--sources", input.sources],
      ["--batch", input.batch]
    ].filter(([, given]) => given).map(([name]) => name)
    const concurrency = input.concurrency
    // Combinations that cannot run, each with what to do instead: the first that applies is refused.
    const refused: ReadonlyArray<readonly [applies: boolean, message: string, hint?: string]> = [[
      fanOut && input.after !== undefined,
      "--after continues one read; it cannot be combined with several business ids, --edge all or --tokens.",
      "Resume one business and one edge at a time: waba accounts <business-id> --edge owned --after <cursor>; " +
      "resume a fan-out with --done FILE."
    ], [
      input.sort !== undefined && (fanOut || input.edge === "client"),
      "--sort orders the owned edge only; Graph documents no sort for client accounts, and accounts read from " +
      "several businesses or edges are written as they arrive.",
      "Drop --sort, or read one business's owned edge: waba accounts <business-id> --edge owned --sort desc."
    ], [
      fanOut && input.prefetch !== undefined,
      "--prefetch applies to one read; several business ids or --edge all are read concurrently already.",
      "Drop --prefetch, or set how many businesses are read at once with --concurrency."
    ], [
      !fanOut && fanOnly.length > 0,
      `${fanOnly.join(", ")} ${fanOnly.length === 1 ? "applies" : "apply"} to a read of several businesses or edges.`,
      "Give several business ids, --edge all or --tokens FILE, or drop it."
    ], [
      input.sources && input.done !== undefined,
      "--sources writes the accounts only once every business is read, so there is nothing to resume from.",
      "Drop --done, or drop --sources: each account then says where it was first found (first_seen_on)."
    ], [
      concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64),
      `--concurrency must be a whole number from 1 to 64; got ${concurrency}.`
    ]]
    const refusal = refused.find(([applies]) => applies)
    if (refusal !== undefined) return yield* Either.left(new UsageError({ message: refusal[1], hint: refusal[2] }))
    const { after, expand, limit, prefetch, sort } = input
    const options: AccountOptions = {
      fields,
      expand: expand === undefined ? undefined : { phone_numbers: {} },
      filtering: filtering.length === 0 ? undefined : filtering,
      sort: sort === "asc" ? "creation_time_ascending" : sort === "desc" ? "creation_time_descending" : sort,
      limit,
      after,
      prefetch
    }
    const columns = [
      ...columnsOf(fields, WhatsAppBusinessAccount.defaultFields),
      ...(input.edge === "client" && !fanOut ? ["permitted_tasks"] : []),
      ...(expand === undefined ? [] : ["phone_numbers"]),
      ...(fanOut ? [input.sources ? "sources" : "first_seen_on"] : [])
    ]
    return { edges, fanOut, options, columns, max }
  })

/** `waba accounts [business-id...]`. */
export const accounts = (input: AccountsInput): Effect.Effect<void, CommandError.CommandError, Listing.Requires> =>
  Effect.gen(function*() {
    const { businessIds, tokens } = yield* CommandError.check(TokensFile.businesses(input))
    const { columns, edges, fanOut, max, options } = yield* CommandError.check(accountsRequest(input, businessIds))
    const done = input.done === undefined ? [] : yield* CommandError.check(FanOut.readDone(input.done))
    const target = yield* GraphTarget.resolve(input, {
      id: Option.fromNullable(businessIds[0]),
      missingId: new UsageError({
        message: "Name the business whose accounts to list: waba accounts <business-id>.",
        hint: "The id is numeric; find it in Business Settings > Business info. (Without a token, waba runs a demo " +
          "and picks a demo business itself.)"
      }),
      check: (first) =>
        Option.firstSomeOf(
          (businessIds.length === 0 ? [first] : businessIds).flatMap((id) =>
            edges.map((edge) =>
              edge === "owned"
                ? OwnedAccounts.validate(id, options)
                : ClientAccounts.validate(id, clientOptions(options))
            )
          )
        ),
      demo: GraphTarget.demoBusiness,
      tokens
    })
    if (target.verbose) {
      for (const edge of edges) {
        const declaration = edge === "owned" ? OwnedAccounts.edge : ClientAccounts.edge
        yield* explainFilters(`${edge} edge: `, declaration, options.filtering, Noun.accounts)
      }
    }
    if (!fanOut) {
      const pages: Stream.Stream<
        Listing.Page & { accounts: ReadonlyArray<Format.Row> },
        ErrorReport.CliError,
        GraphClient
      > = edges[0] === "owned"
        ? OwnedAccounts.pages(target.id, options)
        : ClientAccounts.pages(target.id, clientOptions(options))
      return yield* Listing.run({
        target,
        format: input.format,
        columns,
        noun: Noun.accounts,
        max,
        after: options.after,
        pages,
        rows: (page) => page.accounts
      })
    }
    const { expand, fields, filtering, limit } = options
    yield* FanOut.run({
      businessIds: businessIds.length === 0 ? [target.id] : businessIds,
      edges,
      options: { fields, expand, filtering, limit },
      concurrency: input.concurrency,
      batch: input.batch,
      doneFile: input.done,
      done,
      sources: input.sources,
      format: input.format,
      columns,
      max
    }, target)
  })

// The target of `waba phone-numbers` or `waba account`: the account named, or a demo account.
const accountTarget = (
  input: PhoneNumbersInput | AccountInput,
  command: "phone-numbers" | "account",
  check: GraphTarget.Request["check"]
) =>
  GraphTarget.resolve(input, {
    id: input.wabaId,
    missingId: new UsageError({
      message: `Name the WhatsApp Business Account ${
        command === "account" ? "to read" : "whose numbers to list"
      }: waba ${command} <waba-id>.`,
      hint: "waba accounts <business-id> lists the account ids of a business."
    }),
    check,
    demo: GraphTarget.demoAccount(command === "account" ? "reading" : "listing the phone numbers of")
  })

/** `waba phone-numbers [waba-id]`. */
export const phoneNumbers = (input: PhoneNumbersInput) =>
  Effect.gen(function*() {
    const { columns, max, options } = yield* CommandError.check(
      Either.gen(function*() {
        const fields = yield* fieldsOf(input.fields, PhoneNumber.fields)
        const filtering = yield* FilterSyntax.parse(FilterSyntax.phoneNumbers, input.filter)
        const max = yield* maxOf(input.max, Noun.phoneNumbers)
        const { after, limit, prefetch } = input
        const options: PhoneNumbers.Options = {
          fields,
          filtering: filtering.length === 0 ? undefined : filtering,
          limit,
          after,
          prefetch
        }
        return { options, columns: columnsOf(fields, PhoneNumber.defaultFields), max }
      })
    )
    const target = yield* accountTarget(input, "phone-numbers", (id) => PhoneNumbers.validate(id, options))
    if (target.verbose) yield* explainFilters("", PhoneNumbers.edge, options.filtering, Noun.phoneNumbers)
    yield* Listing.run({
      target,
      pages: PhoneNumbers.pages(target.id, options),
      rows: (page) => page.phoneNumbers as ReadonlyArray<Format.Row>,
      format: input.format,
      columns,
      noun: Noun.phoneNumbers,
      max,
      after: options.after
    })
  })

/** `waba account [waba-id]`: one account, written as a one-row listing. */
export const account = (input: AccountInput) =>
  Effect.gen(function*() {
    const fields = yield* CommandError.check(fieldsOf(input.fields, WhatsAppBusinessAccount.fields))
    const options: WhatsAppBusinessAccount.GetOptions<ReadonlyArray<WhatsAppBusinessAccount.Field>, never, any> = {
      fields,
      expand: input.expand === undefined ? undefined : { phone_numbers: {} }
    }
    const target = yield* accountTarget(input, "account", (id) => WhatsAppBusinessAccount.validate(id, options))
    yield* Listing.run({
      target,
      pages: Listing.onePage(
        Effect.map(WhatsAppBusinessAccount.get(target.id, options), (node) => [node as Format.Row])
      ),
      rows: (page) => page.rows,
      format: input.format,
      columns: [
        ...columnsOf(fields, WhatsAppBusinessAccount.defaultFields),
        ...(input.expand === undefined ? [] : ["phone_numbers"])
      ],
      noun: Noun.accounts
    })
  })
