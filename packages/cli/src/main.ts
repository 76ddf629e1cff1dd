/**
 * The `waba` program: the command line run with the process's output and signals. `bin.ts` starts it.
 *
 * Exit codes are the command's own (see `ErrorReport`), or, when a signal stopped it, 128 plus the signal's
 * number as shells report it: 130 after Ctrl-C (SIGINT), 143 after SIGTERM. The first signal interrupts the
 * command, which finishes its output and says how to resume; a second one ends the process at once.
 */
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Commands from "./Commands.js"
import * as Output from "./Output.js"
import * as Progress from "./Progress.js"

// `runMain` interrupts the command on the first signal; which one it was decides the exit code.
let signalled: number | undefined
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.on(signal, () => {
    if (signalled !== undefined) process.exit(signalled)
    signalled = code
  })
}

// @effect/cli asks for a FileSystem for file-valued options and config files; waba has neither, so it gets
// one in which no file exists, and a start does not load Node's file system layer.
const Live = Progress.layer.pipe(
  Layer.provideMerge(Output.layerProcess),
  Layer.merge(Layer.mergeAll(FileSystem.layerNoop({}), NodePath.layer, NodeTerminal.layer))
)

NodeRuntime.runMain(Effect.provide(Commands.main(process.argv), Live), {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) =>
    onExit(signalled ?? (Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : 1))
})
