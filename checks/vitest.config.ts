import { mergeConfig } from "vitest/config"
import shared from "../vitest.shared.js"

// These tests start processes (the CLI, pnpm, the emulator) and compile every snippet: give them room on a
// loaded machine. Nothing here asserts on time.
export default mergeConfig(shared, { test: { testTimeout: 180_000, hookTimeout: 180_000 } })
