/**
 * `npm install -g @effect-waba/cli` on its own, as a user without this repository gets it: the packed CLI,
 * installed offline into a new global prefix (see `checks/src/CliAlone.ts`), must need no other package,
 * stay small, and run `waba --help`, the embedded demo and `waba emulator` from that prefix, in a folder
 * with no node_modules above it. Its inventory runs on PostgreSQL as installed (the driver is bundled); on
 * SQLite it names the driver to install beside it (better-sqlite3 is native, and not bundled).
 */
import * as Dataset from "@effect-waba/emulator/Dataset"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as CliAlone from "../src/CliAlone.js"
import { background, jsonObjects, requireBuild, sh } from "./utils/Shell.js"

// A PostgreSQL server (`.ci/run` starts one); without it, the PostgreSQL case is skipped.
const pgUrl = process.env.PG_URL

let installed: CliAlone.Installed
let cwd: string
// Nothing but the installed `waba` and node on PATH; no token or base URL of this machine's shell.
let env: Record<string, string>

beforeAll(() => {
  requireBuild()
  installed = CliAlone.installAlone()
  cwd = Fs.mkdtempSync(Path.join(installed.prefix, "work-"))
  env = {
    PATH: [Path.dirname(installed.waba), Path.dirname(process.execPath), "/usr/bin", "/bin"].join(Path.delimiter),
    HOME: cwd
  }
})
afterAll(() => {
  if (installed !== undefined) Fs.rmSync(installed.prefix, { recursive: true, force: true })
})

describe("the CLI installed alone", () => {
  it("has no runtime dependency and no peer: the bundle carries the code", () => {
    expect(installed.manifest.name).toBe("@effect-waba/cli")
    expect(installed.manifest.dependencies).toBeUndefined()
    expect(installed.manifest.peerDependencies).toBeUndefined()
    expect(installed.manifest.optionalDependencies).toBeUndefined()
    // Only the package itself was installed: no node_modules of its own.
    expect(installed.installedFiles.every((file) => file.startsWith(`@effect-waba${Path.sep}cli${Path.sep}`))).toBe(
      true
    )
    expect(installed.installedFiles.some((file) => file.includes("node_modules"))).toBe(false)
  })

  it("is small: the executable, the bundle and its code cache, a README and a LICENSE", () => {
    const files = installed.installedFiles.map((file) => file.split(Path.sep).slice(2).join("/")).sort()
    expect(files).toEqual(
      ["LICENSE", "README.md", "dist/bin.js", "dist/waba.cjs", "dist/waba.cjs.cache", "package.json"]
    )
    // 91 MB when it depended on the workspace's packages and their trees; the bundle is about 1.3 MB.
    expect(installed.installedBytes).toBeLessThan(8 * 1024 * 1024)
    console.log(
      `cli alone: tarball ${(installed.packedBytes / 1024 / 1024).toFixed(2)} MB, installed ` +
        `${(installed.installedBytes / 1024 / 1024).toFixed(2)} MB`
    )
  })

  it("waba --help runs from the prefix and points at the guide online", async () => {
    const result = await sh("waba --help", { cwd, env })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain("waba <command> [flags]")
    expect(result.stdout).toContain("https://github.com/effect-waba/effect-waba/blob/main/docs/cli.md")
    expect(result.stderr).toBe("")
  })

  it("waba accounts lists the demo from its embedded emulator", async () => {
    const result = await sh("waba accounts --max 3 --format jsonl", { cwd, env })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/^waba: no access token .* demo business 1234567890 /)
    const dataset = Dataset.make({})
    const business = dataset.businesses[0]!
    expect(jsonObjects(result.stdout).map((account) => account.id)).toEqual(
      [0, 1, 2].map((index) => dataset.account(business, index).id)
    )
  })

  it("waba emulator serves, and waba accounts reads it over HTTP", async () => {
    const emulator = await background("waba emulator --seed 3", { cwd, env })
    try {
      const ready = emulator.ready as { url: string; token: string; businessIds: ReadonlyArray<string> }
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const result = await sh(`waba accounts ${ready.businessIds[0]} --format jsonl`, {
        cwd,
        env: { ...env, GRAPH_BASE_URL: ready.url, GRAPH_ACCESS_TOKEN: ready.token }
      })
      expect(result.code, result.stderr).toBe(0)
      const dataset = Dataset.make({ seed: 3 })
      const business = dataset.businesses[0]!
      expect(jsonObjects(result.stdout).map((account) => account.id)).toEqual(
        Array.from({ length: business.accounts }, (_, index) => dataset.account(business, index).id)
      )
    } finally {
      await emulator.stop()
    }
  })

  it("waba sync on SQLite names the driver to install, before reading anything or creating the file", async () => {
    const result = await sh("waba sync --db sqlite:inventory.db", { cwd, env })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^waba: error: A SQLite store needs the better-sqlite3 package/)
    expect(result.stderr).toContain("npm install -g better-sqlite3@12")
    // The store is opened first: no demo started, nothing written.
    expect(result.stderr).not.toContain("demo")
    expect(result.stdout).toBe("")
    expect(Fs.existsSync(Path.join(cwd, "inventory.db"))).toBe(false)
  })

  it.skipIf(pgUrl === undefined)(
    "waba sync keeps the demo in PostgreSQL, and waba inventory reads it back",
    async () => {
      const name = `waba_cli_alone_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
      const admin = (statement: string) =>
        Effect.runPromise(
          Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
            Effect.provide(PgClient.layer({ url: Redacted.make(pgUrl!), maxConnections: 1 })),
            Effect.orDie
          )
        )
      await admin(`CREATE DATABASE ${name}`)
      try {
        const url = new URL(pgUrl!)
        url.pathname = `/${name}`
        const synced = await sh(`waba sync --db '${url}' --format jsonl`, { cwd, env })
        expect(synced.code, synced.stderr).toBe(0)
        expect(jsonObjects(synced.stdout)[0]).toMatchObject({ status: "completed", businesses: 3, businesses_done: 3 })
        const listed = await sh(`waba inventory accounts --db '${url}' --format jsonl`, { cwd, env })
        expect(listed.code, listed.stderr).toBe(0)
        const dataset = Dataset.make({})
        const every = dataset.businesses.flatMap((business) =>
          Array.from({ length: business.accounts }, (_, index) => dataset.account(business, index).id)
        )
        expect(jsonObjects(listed.stdout).map((account) => account.id).sort()).toEqual(every.sort())
      } finally {
        await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      }
    }
  )
})
