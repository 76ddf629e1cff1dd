import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { ViteUserConfig } from "vitest/config"

const root = path.dirname(fileURLToPath(import.meta.url))

// Workspace packages resolve to their TypeScript sources in tests, so `pnpm vitest`
// never depends on a stale `dist/`.
const config: ViteUserConfig = {
  resolve: {
    alias: [
      { find: /^@effect-waba\/([a-z-]+)$/, replacement: path.join(root, "packages/$1/src/index.ts") },
      { find: /^@effect-waba\/([a-z-]+)\/([A-Za-z/]+)$/, replacement: path.join(root, "packages/$1/src/$2.ts") }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    sequence: { concurrent: false }
  }
}

export default config
