/**
 * What `waba accounts` does: check the request, find the target (Graph or the demo), list the pages of
 * one edge, or fan out over several businesses and both edges.
 *
 * @internal
 */
import * as ClientAccounts from "@effect-waba/waba/ClientAccounts"
import * as Filter from "@effect-waba/waba/Filter"
import * as ManagedAccounts from "@effect-waba/waba/ManagedAccounts"
import * as OwnedAccounts from "@effect-waba/waba/OwnedAccounts"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as AccountsCommand from "../AccountsCommand.js"
import * as AccountsRequest from "../AccountsRequest.js"
import * as CommandError from "../CommandError.js"
import * as ErrorReport from "../ErrorReport.js"
import type * as Format from "../Format.js"
import * as GraphTarget from "../GraphTarget.js"
import * as Listing from "../Listing.js"
import * as Noun from "../Noun.js"
import { Output } from "../Output.js"
import type { OutputFormat } from "../OutputFormat.js"
import { Progress } from "../Progress.js"
import { UsageError } from "../UsageError.js"

const demo: GraphTarget.Request["demo"] = (emulator, id) => {
  const businesses = emulator.dataset.businesses
  const businessId = Option.getOrElse(id, () => businesses[0]!.id)
  const business = businesses.find((candidate) => candidate.id === businessId)
  const others = businesses.filter((candidate) => candidate.id !== businessId).map((candidate) => candidate.id)
  const which = business === undefined
    ? `business ${businessId} (not a demo business) from an embedded emulator; the demo businesses are ${
      businesses.map((candidate) => candidate.id).join(", ")
    }`
    : `demo business ${business.id} ("${business.name}", ${business.accounts} owned accounts) from an embedded ` +
      `emulator; other demo businesses: ${others.join(", ")}`
  return {
    id: businessId,
    notice: `waba: no access token (GRAPH_ACCESS_TOKEN or --token), so this is a demo: listing ${which}.`
  }
}

// Lists and sources are rendered for a person in a table (a count, `id edge` pairs), whole in JSON and CSV.
const forFormat = (format: OutputFormat) => (row: Format.Row): Format.Row => {
  if (format !== "table") return row
  const out: Record<string, unknown> = { ...row }
  if (Array.isArray(out["phone_numbers"])) out["phone_numbers"] = out["phone_numbers"].length
  if (Array.isArray(out["sources"])) {
    out["sources"] = (out["sources"] as ReadonlyArray<{ business_id: string; edge: string }>)
      .map((source) => `${source.business_id} ${source.edge}`).join(", ")
  }
  return out as Format.Row
}

const managedRow = (result: ManagedAccounts.ManagedAccount<Record<string, unknown>>): Format.Row =>
  ({
    ...result.account,
    sources: result.sources.map((source) => ({
      business_id: source.businessId,
      edge: source.edge,
      ...(source.permittedTasks === undefined ? {} : { permitted_tasks: source.permittedTasks })
    }))
  }) as Format.Row

const rowsPerPage = 100

/** @internal */
export const run = (
  input: AccountsCommand.Input
): Effect.Effect<void, CommandError.CommandError, Listing.Requires> =>
  Effect.gen(function*() {
    const request = yield* Effect.mapError(
      AccountsRequest.make({
        fields: input.fields,
        filter: input.filter,
        sort: input.sort,
        limit: input.limit,
        max: input.max,
        after: input.after,
        prefetch: input.prefetch,
        edge: input.edge,
        expand: input.expand,
        businessIds: input.businessIds
      }),
      (error) => CommandError.make(error)
    )
    const option = input.businessIds.find((id) => id.startsWith("-"))
    if (option !== undefined) {
      return yield* Effect.fail(CommandError.make(
        new UsageError({ message: `Unknown option ${option}.`, hint: "waba accounts --help lists the options." })
      ))
    }
    const target = yield* GraphTarget.resolve(input, {
      id: Option.fromNullable(input.businessIds[0]),
      missingId: new UsageError({
        message: "Name the business whose accounts to list: waba accounts <business-id>.",
        hint: "The id is numeric; find it in Business Settings > Business info. (Without a token, waba runs a demo " +
          "and picks a demo business itself.)"
      }),
      check: (first) => {
        for (const id of input.businessIds.length === 0 ? [first] : input.businessIds) {
          const checked = AccountsRequest.validateFor(id, request)
          if (Either.isLeft(checked)) return checked
        }
        return Either.right(request)
      },
      demo
    })
    if (target.verbose) yield* explainFilters(request)
    const shape = forFormat(input.format)
    const common = {
      target,
      format: input.format,
      columns: request.columns,
      noun: Noun.accounts,
      max: request.max,
      after: request.options.after
    }
    if (!request.fanOut) {
      return yield* request.edges[0] === "client"
        ? Listing.run({
          ...common,
          // The tasks the client granted are what this edge adds: always read them.
          pages: ClientAccounts.pages(target.id, {
            ...request.options,
            sort: undefined,
            fields: [...(request.options.fields ?? OwnedAccounts.edge.node.defaultFields), "permitted_tasks"]
          } as ClientAccounts.Options),
          rows: (page) => (page.accounts as ReadonlyArray<Format.Row>).map(shape)
        })
        : Listing.run({
          ...common,
          pages: OwnedAccounts.pages(target.id, request.options),
          rows: (page) => (page.accounts as ReadonlyArray<Format.Row>).map(shape)
        })
    }
    // The fan-out: accounts merged by id once every read is done, a failed read reported for its business
    // while the others go on. The listing sees pages of merged rows.
    const ids = input.businessIds.length === 0 ? [target.id] : [...new Set(input.businessIds)]
    const failures: Array<ManagedAccounts.Failure> = []
    const pages = ManagedAccounts.stream(ids, {
      fields: request.options.fields,
      expand: request.options.expand,
      filtering: request.options.filtering,
      limit: request.options.limit,
      edges: request.edges
    }).pipe(
      Stream.filterMap((result) => {
        if (result._tag === "Failure") {
          failures.push(result)
          return Option.none()
        }
        return Option.some(managedRow(result as ManagedAccounts.ManagedAccount<Record<string, unknown>>))
      }),
      Stream.grouped(rowsPerPage),
      Stream.zipWithIndex,
      Stream.map(([rows, index]) => ({ number: index + 1, nextAfter: undefined, rows: [...rows] }))
    )
    yield* Listing.run({ ...common, pages, rows: (page) => page.rows.map(shape) })
    if (failures.length > 0) yield* reportFailures(failures, target)
  })

// Each failed read in one line on stderr; the command then fails with the first one's exit code.
const reportFailures = (failures: ReadonlyArray<ManagedAccounts.Failure>, target: GraphTarget.Target) =>
  Effect.gen(function*() {
    const output = yield* Output
    const progress = yield* Progress
    for (const failure of failures) {
      const report = ErrorReport.make(failure.error, { ...target.context, businessId: failure.businessId })
      progress.note(
        `waba: business ${failure.businessId} (${failure.edge} edge) was not read: ${report.title}`
      )
    }
    yield* Effect.ignore(output.stderr.write(
      `waba: ${Noun.count(failures.length, { one: "read", many: "reads" })} failed; the accounts of the other ` +
        `businesses were listed.\n`
    ))
    const first = failures[0]!
    return yield* Effect.fail(
      new CommandError.CommandError({
        error: first.error,
        context: { ...target.context, businessId: first.businessId },
        secrets: target.secrets
      })
    )
  })

// `--verbose`: per edge, which clauses Graph is sent and which the client checks on each account.
const explainFilters = (request: AccountsRequest.AccountsRequest) =>
  Effect.gen(function*() {
    const progress = yield* Progress
    const filtering = request.options.filtering
    if (filtering === undefined) return
    for (const edge of request.edges) {
      const planned = Filter.toWire(edge === "owned" ? OwnedAccounts.edge : ClientAccounts.edge, filtering)
      if (Either.isLeft(planned)) continue
      const { filtering: sent, local } = planned.right
      progress.note(
        `waba: ${edge} edge: filtering sent to Graph: ${sent ?? "none"}; checked here on each account: ${
          local.length === 0 ? "none" : local.join("; ")
        }`
      )
    }
  })
