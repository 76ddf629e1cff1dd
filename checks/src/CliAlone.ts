/**
 * The CLI as `npm install -g @effect-waba/cli` gives it, on its own: the package packed with `pnpm pack`,
 * installed globally into a new prefix in the system's temporary folder with npm `--offline`, so that the
 * install succeeds only if the package needs nothing from the registry (the registry does not have the
 * other `@effect-waba/…` packages, and a user should not download Effect's tree to run one bundled file).
 * The installed `waba` then sees no node_modules but its own: whatever the bundle failed to carry would
 * fail to load.
 *
 * Unlike `PackedInstall` (which installs every package from the documented lines, next to Effect from the
 * registry), this needs no network, so the test suite runs it: `checks/test/CliAlone.test.ts`.
 *
 * @since 0.1.0
 */
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as DocFences from "./DocFences.js"

const cli = Path.join(DocFences.repositoryRoot, "packages", "cli")

/**
 * A global install of the packed CLI.
 *
 * @since 0.1.0
 * @category models
 */
export interface Installed {
  /** The folder given as npm's `--prefix`; remove it when done. */
  readonly prefix: string
  /** The `waba` executable npm linked into the prefix's `bin`. */
  readonly waba: string
  /** The package's manifest as published (from the tarball). */
  readonly manifest: Readonly<Record<string, unknown>>
  /** The size of the tarball, in bytes. */
  readonly packedBytes: number
  /** Everything the install wrote under the prefix's `lib/node_modules`, in bytes. */
  readonly installedBytes: number
  /** What the installed tree holds, relative to `lib/node_modules`. */
  readonly installedFiles: ReadonlyArray<string>
}

// A user's shell, not pnpm's: pnpm hands its settings to child processes as npm_config_* variables.
const cleanEnv = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] =>
      entry[1] !== undefined && !/^(npm_|pnpm_)/i.test(entry[0]) && entry[0] !== "NODE_OPTIONS"
    )
  )

const run = (command: string, args: ReadonlyArray<string>, cwd: string, env: Record<string, string>) => {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8" })
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`
    )
  }
  return result.stdout
}

const filesUnder = (dir: string): ReadonlyArray<string> =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = Path.join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path).map((file) => Path.join(entry.name, file)) : [entry.name]
  })

/**
 * Packs the built CLI (run `pnpm build` first) and installs the tarball alone with `npm install -g --prefix
 * … --offline`. Throws when packing or installing fails, with npm's words.
 *
 * @since 0.1.0
 * @category constructors
 */
export const installAlone = (): Installed => {
  for (const built of ["dist/bin.js", "dist/waba.cjs"]) {
    if (!Fs.existsSync(Path.join(cli, built))) throw new Error(`packages/cli/${built} is missing: run pnpm build`)
  }
  const prefix = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-waba-cli-alone-"))
  const env = cleanEnv()
  run("pnpm", ["pack", "--pack-destination", prefix], cli, env)
  const tarball = Path.join(prefix, Fs.readdirSync(prefix).find((file) => file.endsWith(".tgz"))!)
  const manifest = JSON.parse(run("tar", ["-xzOf", tarball, "package/package.json"], prefix, env)) as Record<
    string,
    unknown
  >
  // Its own cache and no user configuration: nothing from this machine's npm setup can supply a package.
  const userconfig = Path.join(prefix, "npmrc")
  Fs.writeFileSync(userconfig, "")
  run(
    "npm",
    [
      "install",
      "--global",
      "--prefix",
      Path.join(prefix, "global"),
      "--offline",
      "--cache",
      Path.join(prefix, "npm-cache"),
      "--userconfig",
      userconfig,
      "--no-audit",
      "--no-fund",
      "--no-update-notifier",
      tarball
    ],
    prefix,
    env
  )
  const modules = Path.join(prefix, "global", "lib", "node_modules")
  const installedFiles = filesUnder(modules)
  return {
    prefix,
    waba: Path.join(prefix, "global", "bin", "waba"),
    manifest,
    packedBytes: Fs.statSync(tarball).size,
    installedBytes: installedFiles.reduce((sum, file) => sum + Fs.statSync(Path.join(modules, file)).size, 0),
    installedFiles
  }
}
