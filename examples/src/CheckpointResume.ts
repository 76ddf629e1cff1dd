/**
 * Checkpoint and resume, two ways.
 *
 * 1. `syncWithCheckpoints`: read page by page and store each page's `nextAfter` once its accounts are
 *    handled. A run that stops (a crash, a deploy, an error) is continued by the next run from the
 *    stored cursor: nothing lost, nothing handled twice.
 * 2. `readResuming`: one read that survives failures the client's own retries gave up on. A failed read
 *    says where to continue (`resumeAfter`); the stream waits and carries on from there.
 */
import type { GraphClient } from "@effect-waba/graph-core"
import { GraphError, GraphRetry } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"

/** Where a sync stands. */
export interface Checkpoint {
  /** The cursor to continue after; absent before the first page. */
  readonly after?: string | undefined
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
    yield* OwnedAccounts.pages(businessId, { fields: ["name"], limit: 25, after: checkpoint.after }).pipe(
      // Handle first, then save: a crash in between repeats one page, it never skips one.
      Stream.runForEach((page) =>
        handle(page.accounts).pipe(
          Effect.zipRight(store.save(page.hasNext ? { after: page.nextAfter, done: false } : { done: true })),
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
 * the error's `resumeAfter`, up to `maxResumes` times.
 */
export const readResuming = (
  businessId: string,
  options: { readonly maxResumes: number; readonly pause: Duration.DurationInput }
): Stream.Stream<OwnedAccounts.Account<"name">, OwnedAccounts.OwnedAccountsError, GraphClient.GraphClient> => {
  const from = (after: string | undefined, resumes: number): Stream.Stream<
    OwnedAccounts.Account<"name">,
    OwnedAccounts.OwnedAccountsError,
    GraphClient.GraphClient
  > =>
    OwnedAccounts.stream(businessId, { fields: ["name"], limit: 25, after }).pipe(
      Stream.catchAll((error) =>
        GraphError.isGraphError(error) && GraphRetry.isRetryable(error) && resumes < options.maxResumes
          ? Stream.fromEffect(Effect.sleep(Duration.decode(options.pause))).pipe(
            Stream.drain,
            Stream.concat(from(error.resumeAfter, resumes + 1))
          )
          : Stream.fail(error)
      )
    )
  return from(undefined, 0)
}
