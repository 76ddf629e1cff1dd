/**
 * What `waba accounts` does: check the request, find the target (Graph or the demo), list the pages of one
 * edge, or fan out over several businesses and both edges, merging accounts by id.
 */
import type { GraphClient } from "@effect-waba/graph-core/GraphClient"
import * as ClientAccounts from "@effect-waba/waba/ClientAccounts"
import type * as Filter from "@effect-waba/waba/Filter"
import * as ManagedAccounts from "@effect-waba/waba/ManagedAccounts"
import * as OwnedAccounts from "@effect-waba/waba/OwnedAccounts"
import * as WhatsAppBusinessAccount from "@effect-waba/waba/WhatsAppBusinessAccount"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as CommandError from "./CommandError.js"
import type { AccountsInput } from "./CommandLine.js"
import * as ErrorReport from "./ErrorReport.js"
import * as FilterSyntax from "./FilterSyntax.js"
import type * as Format from "./Format.js"
import * as GraphTarget from "./GraphTarget.js"
import * as Listing from "./Listing.js"
import * as Noun from "./Noun.js"
import { Output } from "./Output.js"
import { Progress } from "./Progress.js"
import * as ReadInput from "./ReadInput.js"
import { UsageError } from "./UsageError.js"

type Edge = "owned" | "client"

type Options = OwnedAccounts.Options<ReadonlyArray<WhatsAppBusinessAccount.Field>, never, OwnedAccounts.Expand>

// The client edge documents no sort; the tasks the client granted are what it adds, so they are always read.
const clientOptions = (options: Options): ClientAccounts.Options => ({
  ...options,
  sort: undefined,
  fields: [...(options.fields ?? WhatsAppBusinessAccount.defaultFields), "permitted_tasks"]
})

const refuse = (message: string, hint: string) => Either.left(new UsageError({ message, hint }))

// Every check of the typed-in values, before any emulator starts or any request is sent.
const request = (input: AccountsInput) =>
  Either.gen(function*() {
    const fields = yield* ReadInput.fields(input.fields, WhatsAppBusinessAccount.fields)
    const filtering: ReadonlyArray<Filter.Filter> = yield* FilterSyntax.parseAll(input.filter)
    const max = yield* ReadInput.max(input.max, Noun.accounts)
    const edges: ReadonlyArray<Edge> = input.edge === "all" ? ["owned", "client"] : [input.edge]
    const fanOut = edges.length > 1 || input.businessIds.length > 1
    if (fanOut && input.after !== undefined) {
      return yield* refuse(
        "--after continues one read; it cannot be combined with several business ids or --edge all.",
        "Resume one business and one edge at a time: waba accounts <business-id> --edge owned --after <cursor>."
      )
    }
    if (input.sort !== undefined && (fanOut || input.edge === "client")) {
      return yield* refuse(
        "--sort orders the owned edge only; Graph documents no sort for client accounts, and a merged read is " +
          "ordered by account id.",
        "Drop --sort, or read one business's owned edge: waba accounts <business-id> --edge owned --sort desc."
      )
    }
    if (fanOut && input.prefetch !== undefined) {
      return yield* refuse(
        "--prefetch applies to one read; several business ids or --edge all are read concurrently already.",
        "Drop --prefetch."
      )
    }
    const expand = input.expand !== undefined
    const sort = input.sort
    const options: Options = {
      fields,
      expand: expand ? { phone_numbers: {} } : undefined,
      filtering: filtering.length === 0 ? undefined : filtering,
      sort: sort === "asc" ? "creation_time_ascending" : sort === "desc" ? "creation_time_descending" : sort,
      limit: input.limit,
      after: input.after,
      prefetch: input.prefetch
    }
    const columns = [
      ...ReadInput.columns(fields, WhatsAppBusinessAccount.defaultFields),
      ...(input.edge === "client" && !fanOut ? ["permitted_tasks"] : []),
      ...(expand ? ["phone_numbers"] : []),
      ...(fanOut ? ["sources"] : [])
    ]
    return { edges, fanOut, options, columns, max }
  })

const managedRow = (result: ManagedAccounts.ManagedAccount<Record<string, unknown>>): Format.Row => ({
  ...result.account,
  sources: result.sources.map((source) => ({
    business_id: source.businessId,
    edge: source.edge,
    ...(source.permittedTasks === undefined ? {} : { permitted_tasks: source.permittedTasks })
  }))
})

export const run = (input: AccountsInput): Effect.Effect<void, CommandError.CommandError, Listing.Requires> =>
  Effect.gen(function*() {
    const { columns, edges, fanOut, max, options } = yield* ReadInput.checked(
      request(input),
      input.businessIds,
      "accounts"
    )
    const target = yield* GraphTarget.resolve(input, {
      id: Option.fromNullable(input.businessIds[0]),
      missingId: new UsageError({
        message: "Name the business whose accounts to list: waba accounts <business-id>.",
        hint: "The id is numeric; find it in Business Settings > Business info. (Without a token, waba runs a demo " +
          "and picks a demo business itself.)"
      }),
      check: (first) =>
        Option.firstSomeOf(
          (input.businessIds.length === 0 ? [first] : input.businessIds).flatMap((id) =>
            edges.map((edge) =>
              edge === "owned"
                ? OwnedAccounts.validate(id, options)
                : ClientAccounts.validate(id, clientOptions(options))
            )
          )
        ),
      demo: GraphTarget.demoBusiness
    })
    if (target.verbose) {
      for (const edge of edges) {
        yield* ReadInput.explainFilters(
          `${edge} edge: `,
          edge === "owned" ? OwnedAccounts.edge : ClientAccounts.edge,
          options.filtering,
          Noun.accounts
        )
      }
    }
    const listing = { target, format: input.format, columns, noun: Noun.accounts, max, after: options.after }
    if (!fanOut) {
      return yield* Listing.run({
        ...listing,
        pages: (edges[0] === "owned"
          ? OwnedAccounts.pages(target.id, options)
          : ClientAccounts.pages(target.id, clientOptions(options))) as Stream.Stream<
            {
              readonly number: number
              readonly nextAfter: string | undefined
              readonly accounts: ReadonlyArray<Format.Row>
            },
            ErrorReport.CliError,
            GraphClient
          >,
        rows: (page) => page.accounts
      })
    }
    // Accounts merged by id once every read is done; a failed read is reported for its business while the
    // others go on. The listing sees pages of merged rows.
    const failures: Array<ManagedAccounts.Failure> = []
    const pages = ManagedAccounts.stream(
      input.businessIds.length === 0 ? [target.id] : [...new Set(input.businessIds)],
      {
        fields: options.fields,
        expand: options.expand,
        filtering: options.filtering,
        limit: options.limit,
        edges
      }
    ).pipe(
      Stream.filterMap((result) => {
        if (result._tag === "Account") return Option.some(managedRow(result))
        failures.push(result)
        return Option.none()
      }),
      Stream.grouped(100),
      Stream.zipWithIndex,
      Stream.map(([rows, index]) => ({ number: index + 1, nextAfter: undefined, rows }))
    )
    yield* Listing.run({ ...listing, pages, rows: (page) => [...page.rows] })
    if (failures.length > 0) yield* reportFailures(failures, target)
  })

// Each failed read in one line on stderr; the command then fails with the first one's exit code.
const reportFailures = (failures: ReadonlyArray<ManagedAccounts.Failure>, target: GraphTarget.Target) =>
  Effect.gen(function*() {
    const progress = yield* Progress
    for (const failure of failures) {
      const report = ErrorReport.make(failure.error, { ...target.context, businessId: failure.businessId })
      progress.note(`waba: business ${failure.businessId} (${failure.edge} edge) was not read: ${report.title}`)
    }
    yield* Effect.ignore(Effect.flatMap(Output, (output) =>
      output.stderr.write(
        `waba: ${Noun.count(failures.length, { one: "read", many: "reads" })} failed; the accounts of the other ` +
          `businesses were listed.\n`
      )))
    const first = failures[0]!
    return yield* new CommandError.CommandError({
      error: first.error,
      context: { ...target.context, businessId: first.businessId },
      secrets: target.secrets
    })
  })
