import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { Plugin, ViteUserConfig } from "vitest/config"

const v4 = path.dirname(fileURLToPath(import.meta.url))
const rules = path.join(v4, "../packages/graph-rules/src")

// In tests the Effect 4 line's packages resolve to their sources — but only when imported from this line:
// the Effect 3 emulator the tests start imports packages of the same names, which must stay its own.
const sources: Plugin = {
  name: "effect-waba-v4-sources",
  enforce: "pre",
  resolveId(source, importer) {
    const match = /^@effect-waba\/(graph-core|waba)$/.exec(source)
    if (match === null || importer === undefined || !importer.startsWith(v4)) return null
    return path.join(v4, "packages", match[1]!, "src/index.ts")
  }
}

/** The Vitest settings of a package of the Effect 4 line. */
export const project = (name: string): ViteUserConfig => ({
  plugins: [sources],
  resolve: {
    alias: [{ find: /^@effect-waba\/graph-rules\/([A-Za-z]+)$/, replacement: path.join(rules, "$1.ts") }]
  },
  test: {
    name: `${name} (Effect 4)`,
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    sequence: { concurrent: false }
  }
})
