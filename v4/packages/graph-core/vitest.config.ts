import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { defineProject } from "vitest/config"

const root = path.dirname(fileURLToPath(import.meta.url))

// Tests import the package's sources by path: an alias of its name would also catch the Effect 3 line's
// imports of that name inside the emulator the tests start. The shared rules resolve to their sources.
export default defineProject({
  resolve: {
    alias: [
      {
        find: /^@effect-waba\/graph-rules\/([A-Za-z]+)$/,
        replacement: path.join(root, "../../../packages/graph-rules/src/$1.ts")
      }
    ]
  },
  test: {
    name: "@effect-waba/graph-core (Effect 4)",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    sequence: { concurrent: false }
  }
})
