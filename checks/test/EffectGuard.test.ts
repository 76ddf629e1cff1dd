/**
 * The entry Node loads for each library package (`dist/<entry>.node.js`, written by
 * `scripts/effect-guard.mjs` at build time): it exports what the package exports, and next to an Effect the
 * package does not support it fails with a message naming the versions and the install line, before anything
 * of Effect's is loaded. Here the unsupported installs are folders of package manifests, which is all the
 * guard reads; CI installs the real Effect 4 with `npm install --legacy-peer-deps` (`checks/src/PackedInstall.ts`).
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import * as DocFences from "../src/DocFences.js"

const root = DocFences.repositoryRoot
const entries = [
  ["graph-core", ".", "index"],
  ["waba", ".", "index"],
  ["redis", ".", "index"],
  ["emulator", ".", "index"],
  ["emulator", "./testing", "Testing"]
] as const

const manifest = (name: string) =>
  JSON.parse(Fs.readFileSync(Path.join(root, "packages", name, "package.json"), "utf8")) as {
    readonly version: string
    readonly exports: Record<string, Record<string, unknown>>
    readonly peerDependencies: Record<string, string>
  }

describe("the Node entry of each library package", () => {
  it.each(entries)(
    "%s %s: Node's import gets the guarded entry, which exports what the module does",
    async (name, key, entry) => {
      const conditions = manifest(name).exports[key]!
      expect(Object.keys(conditions)).toEqual(["@effect-waba/source", "types", "node", "default"])
      expect(conditions.node).toEqual({ import: `./dist/${entry}.node.js` })
      const dist = Path.join(root, "packages", name, "dist")
      const guarded = await import(pathToFileURL(Path.join(dist, `${entry}.node.js`)).href)
      const plain = await import(pathToFileURL(Path.join(dist, `${entry}.js`)).href)
      expect(Object.keys(guarded).sort()).toEqual(Object.keys(plain).sort())
      for (const exported of Object.keys(plain)) expect(guarded[exported], exported).toBe(plain[exported])
    }
  )
})

describe("next to an Effect the package does not support", () => {
  const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-waba-guard-"))
  afterAll(() => Fs.rmSync(work, { recursive: true, force: true }))

  // A project whose node_modules holds graph-core's manifest and Node entry, the given Effect manifests, and a
  // stand-in for the package's code that says it was loaded.
  const project = (installed: Record<string, string>) => {
    const dir = Fs.mkdtempSync(Path.join(work, "project-"))
    const writeJson = (path: string, value: unknown) => {
      Fs.mkdirSync(Path.dirname(path), { recursive: true })
      Fs.writeFileSync(path, JSON.stringify(value))
    }
    writeJson(Path.join(dir, "package.json"), { name: "app", type: "module" })
    for (const [name, version] of Object.entries(installed)) {
      writeJson(Path.join(dir, "node_modules", name, "package.json"), {
        name,
        version,
        exports: { "./package.json": "./package.json" }
      })
    }
    const ours = Path.join(dir, "node_modules", "@effect-waba", "graph-core")
    writeJson(Path.join(ours, "package.json"), manifest("graph-core"))
    Fs.mkdirSync(Path.join(ours, "dist"))
    Fs.copyFileSync(Path.join(root, "packages/graph-core/dist/index.node.js"), Path.join(ours, "dist/index.node.js"))
    Fs.writeFileSync(Path.join(ours, "dist/index.js"), "console.log(\"loaded\")\n")
    const result = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", "await import(\"@effect-waba/graph-core\")"],
      // Without NODE_PATH, which pnpm's shims set to the workspace's packages: a user's project has only its own.
      { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } }
    )
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  }
  const version = manifest("graph-core").version

  it("Effect 4 (what --legacy-peer-deps installs): the versions, the ranges and the install line, nothing loaded", () => {
    const result = project({ "effect": "4.1.5", "@effect/platform": "0.97.2" })
    expect(result.status).not.toBe(0)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain(
      `UnsupportedEffectError: @effect-waba/graph-core ${version} cannot run next to the Effect installed here:\n` +
        "  effect 4.1.5 is installed; it needs effect@^3.22.4\n" +
        "Install the versions it supports:\n" +
        "  npm install effect@3.22.4 @effect/platform@0.97.2\n"
    )
  })

  it("a missing peer and one outside its 0.x range are both named", () => {
    const result = project({ "effect": "3.22.4" })
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain("  @effect/platform is not installed; it needs @effect/platform@^0.97.2\n")
    const older = project({ "effect": "3.22.4", "@effect/platform": "0.98.0" })
    expect(older.stderr).toContain("  @effect/platform 0.98.0 is installed; it needs @effect/platform@^0.97.2\n")
    expect(older.stderr).not.toContain("effect 3.22.4 is installed")
  })

  it("later Effect 3 releases inside the peer ranges load the package", () => {
    const result = project({ "effect": "3.23.1", "@effect/platform": "0.97.9" })
    expect(result.stderr).toBe("")
    expect(result.stdout).toBe("loaded\n")
    expect(result.status).toBe(0)
  })
})
