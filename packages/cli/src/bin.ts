#!/usr/bin/env node
/**
 * The `waba` executable.
 *
 * @since 0.1.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Commands from "./Commands.js"
import * as Output from "./Output.js"
import * as Progress from "./Progress.js"

const Live = Progress.layer.pipe(Layer.provideMerge(Output.layerProcess), Layer.merge(NodeContext.layer))

NodeRuntime.runMain(Effect.provide(Commands.main(process.argv), Live), {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  // 130 after Ctrl-C (or SIGTERM), like any interrupted command.
  teardown: (exit, onExit) =>
    onExit(
      Exit.isSuccess(exit)
        ? (typeof exit.value === "number" ? exit.value : 0)
        : Cause.isInterruptedOnly(exit.cause)
        ? 130
        : 1
    )
})
