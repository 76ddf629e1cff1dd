/**
 * Checkpoint and resume, two ways, both without trusting a cursor for longer than a moment.
 *
 * 1. `syncWithCheckpoints`: read page by page (sorted by creation time) and store each page's
 *    `checkpoint` once its accounts are handled. A run that stops (a crash, a deploy, an error) is
 *    continued by the next run from the stored checkpoint — hours later if need be, and even after
 *    accounts were deleted meanwhile (which would have made a stored cursor stale): nothing lost,
 *    nothing handled twice.
 * 2. `readResuming`: one read that survives failures the client's own retries gave up on: it waits and
 *    carries on from the last page it delivered.
 */
import type { GraphClient, GraphPaging } from "@effect-waba/graph-core"
import { GraphError, GraphRetry } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"

/** Where a sync stands. */
export interface Checkpoint {
  /** Where to continue; absent before the first page. */
  readonly from?: GraphPaging.Checkpoint | undefined
  /** The last page has been handled. */
  readonly done: boolean
}

/** Durable storage for the checkpoint: a file, a database row, a key in a KV store. */
export class CheckpointStore extends Context.Tag("@effect-waba/examples/CheckpointStore")<CheckpointStore, {
  readonly load: Effect.Effect<Checkpoint>
  readonly save: (checkpoint: Checkpoint) => Effect.Effect<void>
}>() {}

/**
 * Handles every account once, across as many runs as it takes. Returns how many accounts this run handled.
 */
export const syncWithCheckpoints = <E, R>(
  businessId: string,
  handle: (accounts: ReadonlyArray<{ readonly id: string }>) => Effect.Effect<void, E, R>
): Effect.Effect<number, E | OwnedAccounts.OwnedAccountsError, R | CheckpointStore | GraphClient.GraphClient> =>
  Effect.gen(function*() {
    const store = yield* CheckpointStore
    const checkpoint = yield* store.load
    if (checkpoint.done) return 0
    let handled = 0
    yield* OwnedAccounts.pages(businessId, {
      fields: ["name"],
      limit: 25,
      sort: "creation_time_ascending",
      checkpoint: checkpoint.from
    }).pipe(
      // Handle first, then save: a crash in between repeats one page, it never skips one.
      Stream.runForEach((page) =>
        handle(page.accounts).pipe(
          Effect.zipRight(store.save(page.hasNext ? { from: page.checkpoint, done: false } : { done: true })),
          Effect.tap(() => {
            handled += page.accounts.length
          })
        )
      )
    )
    return handled
  })

/** A checkpoint store in memory, for running the example and testing it. */
export const inMemoryCheckpoints = (initial: Checkpoint = { done: false }): Layer.Layer<CheckpointStore> =>
  Layer.effect(
    CheckpointStore,
    Effect.map(Ref.make(initial), (ref) => ({ load: Ref.get(ref), save: (checkpoint) => Ref.set(ref, checkpoint) }))
  )

/**
 * Every account of a business, continuing after failures: when a read fails with an error another
 * attempt could fix (throttling, a transient Graph error, the network), wait `pause` and continue from
 * the checkpoint of the last page delivered, up to `maxResumes` times. `progress`, when given, always
 * holds that checkpoint: where a later run would continue if this one gives up.
 */
export const readResuming = (
  businessId: string,
  options: {
    readonly maxResumes: number
    readonly pause: Duration.DurationInput
    readonly progress?: Ref.Ref<Option.Option<GraphPaging.Checkpoint>> | undefined
  }
): Stream.Stream<OwnedAccounts.Account<"name">, OwnedAccounts.OwnedAccountsError, GraphClient.GraphClient> =>
  Stream.unwrap(Effect.gen(function*() {
    const progress = options.progress ?? (yield* Ref.make(Option.none<GraphPaging.Checkpoint>()))
    const from = (resumes: number): Stream.Stream<
      OwnedAccounts.Account<"name">,
      OwnedAccounts.OwnedAccountsError,
      GraphClient.GraphClient
    > =>
      Stream.unwrap(Effect.map(Ref.get(progress), (checkpoint) =>
        OwnedAccounts.pages(businessId, {
          fields: ["name"],
          limit: 25,
          sort: "creation_time_ascending",
          checkpoint: Option.getOrUndefined(checkpoint)
        }).pipe(
          Stream.tap((page) => Ref.set(progress, Option.fromNullable(page.checkpoint))),
          Stream.mapConcat((page) => page.accounts),
          Stream.catchAll((error) =>
            GraphError.isGraphError(error) && GraphRetry.isRetryable(error) && resumes < options.maxResumes
              ? Stream.fromEffect(Effect.sleep(Duration.decode(options.pause))).pipe(
                Stream.drain,
                Stream.concat(from(resumes + 1))
              )
              : Stream.fail(error)
          )
        )))
    return from(0)
  }))
