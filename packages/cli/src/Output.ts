/**
 * Where the CLI writes: data to stdout, everything meant for a person (the demo notice, progress, errors)
 * to stderr. Writes wait for the stream to take the text, so a slow reader slows the read of pages instead
 * of filling memory, and a reader that goes away (`waba accounts … | head`) ends the command quietly
 * instead of crashing it.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

/** The reader of stdout went away (EPIPE). Not a failure of the command: it ends it. */
export class BrokenPipe extends Schema.TaggedError<BrokenPipe>("@effect-waba/cli/BrokenPipe")("BrokenPipe", {}) {}

/** One output stream. */
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

export interface Service {
  readonly stdout: Channel
  readonly stderr: Channel
}

export class Output extends Context.Tag("@effect-waba/cli/Output")<Output, Service>() {}

const channel = (stream: NodeJS.WriteStream, colorsAllowed: boolean): Channel => {
  let broken = false
  // Without a listener, an EPIPE would be thrown as an uncaught 'error' event.
  stream.on("error", () => {
    broken = true
  })
  const isTTY = stream.isTTY === true
  return {
    isTTY,
    colors: isTTY && colorsAllowed,
    columns: () => isTTY && stream.columns > 0 ? stream.columns : undefined,
    unsafeWrite: (text) => {
      if (!broken && text !== "") stream.write(text)
    },
    write: (text) =>
      text === ""
        ? Effect.void
        : Effect.async<void, BrokenPipe>((resume) => {
          if (broken) return resume(Effect.fail(new BrokenPipe()))
          stream.write(text, (error) => {
            if (error === undefined || error === null) return resume(Effect.void)
            broken = true
            resume(Effect.fail(new BrokenPipe()))
          })
        })
  }
}

/** The process's stdout and stderr. `NO_COLOR` (any non-empty value, see no-color.org) and `TERM=dumb` turn colour off. */
export const layerProcess: Layer.Layer<Output> = Layer.sync(Output, () => {
  const colorsAllowed = (process.env.NO_COLOR ?? "") === "" && process.env.TERM !== "dumb"
  return { stdout: channel(process.stdout, colorsAllowed), stderr: channel(process.stderr, colorsAllowed) }
})
