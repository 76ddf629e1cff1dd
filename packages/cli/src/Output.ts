/**
 * Where the CLI writes: data to stdout, everything meant for a person (the demo notice, progress,
 * errors) to stderr. Writes wait for the stream to take the text, so a slow reader slows the read of
 * pages instead of filling memory, and a reader that goes away (`waba accounts … | head`) ends the
 * command quietly instead of crashing it.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

/**
 * The reader of stdout went away (EPIPE). Not a failure of the command: it ends it.
 *
 * @since 0.1.0
 * @category errors
 */
export class BrokenPipe extends Schema.TaggedError<BrokenPipe>("@effect-waba/cli/BrokenPipe")("BrokenPipe", {}) {}

/**
 * One output stream.
 *
 * @since 0.1.0
 * @category models
 */
export interface Channel {
  readonly write: (text: string) => Effect.Effect<void, BrokenPipe>
  /** Writes without waiting, from code that cannot wait (a logger); dropped once the stream is broken. */
  readonly unsafeWrite: (text: string) => void
  /** Whether a terminal is on the other end. */
  readonly isTTY: boolean
  /** Whether text for a person may be coloured: a terminal, and neither `NO_COLOR` nor `TERM=dumb` set. */
  readonly colors: boolean
  /** The terminal's width now (it changes when the window is resized), when it is one. */
  readonly columns: () => number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly stdout: Channel
  readonly stderr: Channel
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Output extends Context.Tag("@effect-waba/cli/Output")<Output, Service>() {}

/**
 * The part of a Node writable stream a channel needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface WritableLike {
  readonly write: (chunk: string, callback: (error?: Error | null) => void) => boolean
  readonly on: (event: "error", listener: (error: Error) => void) => unknown
  readonly isTTY?: boolean | undefined
  readonly columns?: number | undefined
}

/**
 * Whether the environment allows colour on a terminal: `NO_COLOR` (any non-empty value, as no-color.org
 * defines it) and `TERM=dumb` turn it off.
 *
 * @since 0.2.0
 * @category constructors
 */
export const colorsAllowed = (env: Readonly<Record<string, string | undefined>>): boolean =>
  (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb"

/**
 * A channel over a Node writable stream.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromWritable = (
  stream: WritableLike,
  options?: { readonly colorsAllowed?: boolean | undefined }
): Channel => {
  let broken = false
  // Without a listener, an EPIPE would be thrown as an uncaught 'error' event.
  stream.on("error", () => {
    broken = true
  })
  const isTTY = stream.isTTY === true
  return {
    isTTY,
    colors: isTTY && options?.colorsAllowed !== false,
    columns: () => isTTY && typeof stream.columns === "number" && stream.columns > 0 ? stream.columns : undefined,
    unsafeWrite: (text) => {
      if (!broken && text !== "") stream.write(text, () => {})
    },
    write: (text) =>
      text === ""
        ? Effect.void
        : Effect.async<void, BrokenPipe>((resume) => {
          if (broken) return resume(Effect.fail(new BrokenPipe()))
          stream.write(text, (error) => {
            if (error !== undefined && error !== null) {
              broken = true
              resume(Effect.fail(new BrokenPipe()))
            } else {
              resume(Effect.void)
            }
          })
        })
  }
}

/**
 * The process's stdout and stderr.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerProcess: Layer.Layer<Output> = Layer.sync(Output, () => {
  const allowed = colorsAllowed(process.env)
  return {
    stdout: fromWritable(process.stdout, { colorsAllowed: allowed }),
    stderr: fromWritable(process.stderr, { colorsAllowed: allowed })
  }
})

/**
 * Channels that collect what is written, for tests.
 *
 * @since 0.1.0
 * @category constructors
 */
export const memory = (options?: {
  readonly stdoutIsTTY?: boolean | undefined
  readonly stderrIsTTY?: boolean | undefined
  readonly columns?: number | undefined
  /** Whether colour is allowed on the channels that are terminals. Default true. */
  readonly colors?: boolean | undefined
}): {
  readonly layer: Layer.Layer<Output>
  readonly stdout: () => string
  readonly stderr: () => string
} => {
  const written = { stdout: "", stderr: "" }
  const channel = (name: "stdout" | "stderr", isTTY: boolean): Channel => ({
    isTTY,
    colors: isTTY && options?.colors !== false,
    columns: () => isTTY ? options?.columns ?? 80 : undefined,
    unsafeWrite: (text) => {
      written[name] += text
    },
    write: (text) =>
      Effect.sync(() => {
        written[name] += text
      })
  })
  return {
    layer: Layer.succeed(Output, {
      stdout: channel("stdout", options?.stdoutIsTTY === true),
      stderr: channel("stderr", options?.stderrIsTTY === true)
    }),
    stdout: () => written.stdout,
    stderr: () => written.stderr
  }
}
