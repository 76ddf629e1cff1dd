import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type Channel, Output } from "../../src/Output.js"

/** Channels that collect what is written, as a terminal (with a width) or not. */
export const memoryOutput = (options?: {
  readonly stdoutIsTTY?: boolean | undefined
  readonly stderrIsTTY?: boolean | undefined
  readonly columns?: number | undefined
  /** Whether colour is allowed on the channels that are terminals. Default true. */
  readonly colors?: boolean | undefined
}) => {
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
