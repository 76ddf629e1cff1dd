/**
 * Where the figures were taken: machine and versions, for the report's header.
 */
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"

const require = createRequire(import.meta.url)

// Walks up from a package's entry point to its package.json: not every package exports that file.
const versionOf = (name: string): string => {
  try {
    let dir = path.dirname(require.resolve(name))
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, "package.json")
      if (fs.existsSync(file)) {
        const json = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string }
        if (json.name === name && json.version !== undefined) return json.version
      }
      dir = path.dirname(dir)
    }
  } catch {
    // fall through
  }
  return "unknown"
}

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly os: string
  readonly node: string
  readonly versions: Readonly<Record<string, string>>
  readonly loadAverage: ReadonlyArray<number>
}

export const describeMachine = (): Machine => {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    versions: {
      effect: versionOf("effect"),
      "@effect/platform": versionOf("@effect/platform"),
      "@effect/platform-node": versionOf("@effect/platform-node"),
      "facebook-nodejs-business-sdk": versionOf("facebook-nodejs-business-sdk")
    },
    loadAverage: os.loadavg()
  }
}
