/**
 * The packages as a user outside this repository gets them, for each line: the Effect 3 line (0.x,
 * `packages/`) and the Effect 4 line (1.x, `v4/packages/`), each in a project of its own.
 *
 * 1. Packs every published package of the line with `pnpm pack` (which turns `workspace:` ranges into real
 *    ones), and `@effect-waba/graph-rules`, which both lines depend on, and checks each tarball: README,
 *    LICENSE, built code and types, no `workspace:` range left; on the Effect 4 line no Effect 3 peer, and
 *    the emulator's bundled engine in place.
 * 2. In an empty folder in the system's temporary folder, runs every `npm` line of the line's `sh install`
 *    fences (those marked `effect-4` for the Effect 4 line, which also runs the project-making lines, `npm
 *    init -y` and `npm pkg set type=module`, of the others) in the README, the getting-started guide and the
 *    packages' READMEs, in order and exactly as written (no `--legacy-peer-deps`, no `--force`), except for
 *    the `@effect-waba/…` packages, which the registry does not have yet: their names (with any version, which
 *    must fit the tarball's) become the tarballs, and the project's `overrides` (added once `npm init` has
 *    made package.json) map each name to its tarball wherever it is asked for (the library packages ask for
 *    each other as peers). Everything else comes from the registry, as for a user. For the same reason an
 *    `npm install -g` line (the CLI) installs into the project instead (a global install reads no
 *    overrides), and `waba` runs from `node_modules/.bin`. Then `npm ls --all` must find no missing or
 *    invalid peer, there must be one copy of `effect` (of the line's major) and of each library package, and
 *    on the Effect 4 line no `@effect/platform` at all.
 * 3. Writes the pages' `json tsconfig` fence as the project's `tsconfig.json`, and compiles the line's
 *    complete TypeScript snippets of those pages there as `src/*.ts`, with the TypeScript the install lines
 *    put in the project (`npx tsc`, as the pages say) and with TypeScript 5.9 and the registry's current one
 *    (each installed beside the project where the lines did not install it): each with that tsconfig.json,
 *    and with a stricter one extending it (`exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`,
 *    `skipLibCheck` off, so the packages' own declarations are checked too).
 * 4. Starts an emulator (the installed `waba emulator` on the Effect 3 line; on the Effect 4 line the
 *    installed 1.x emulator's own server, `Testing.layerServer`), waits for its ready line, and runs the
 *    compiled programs with the `GRAPH_BASE_URL` and `GRAPH_ACCESS_TOKEN` it printed; each must exit 0, log
 *    no error, and print what its page says it prints.
 * 5. Next to Effect 4, as `npm install --legacy-peer-deps` leaves a project: importing a 0.x library package
 *    must fail with its own message (the versions found, the ranges supported, the install line), and a
 *    program importing `@effect/platform` itself fails as the getting-started guide says it does.
 *
 * Why a script and not a test: step 2 has to resolve Effect and its dependencies (ws, undici, msgpackr, …)
 * from the npm registry, as a user's install does, and tests never touch the network. CI (`.ci/run`) has
 * registry access, as it has for `pnpm install`, and runs this before `pnpm test`. An offline variant that
 * packed Effect's whole dependency tree out of node_modules would test that home-made mirror rather than
 * what users get. Run it with `pnpm --filter @effect-waba/checks run packed-install`; set
 * `PACKED_INSTALL_KEEP=1` to keep the project folders for a look.
 *
 * @since 0.1.0
 */
import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as DocFences from "./DocFences.js"

const root = DocFences.repositoryRoot

type Expected = (lines: ReadonlyArray<string>) => string | undefined

interface Line {
  /** As the steps name it. */
  readonly label: string
  /** Its folder under the work folder, and the fences it runs: those marked `effect-4`, or the others. */
  readonly key: "effect-3" | "effect-4"
  /** Where its packages are. */
  readonly dir: string
  readonly published: ReadonlyArray<string>
  readonly libraries: ReadonlyArray<string>
  readonly pages: ReadonlyArray<string>
  readonly effectMajor: number
  /**
   * What each page's programs print when run against the emulator (default data: business 1234567890 owns
   * 137 accounts), by page, or by `page#n` for the page's n-th program of the line (from 0). A program whose
   * page is not listed must print at least one line.
   */
  readonly expectedOutput: Readonly<Record<string, Expected>>
  /** Programs compiled, not run (they need a server the page says to start). */
  readonly compileOnly: ReadonlySet<string>
  /** The command, run in the project, that starts an emulator and prints `{ url, token }` as its first line. */
  readonly emulator: (app: string) => { readonly command: string; readonly args: ReadonlyArray<string> }
}

const lineCount = (count: number, what: string): Expected => (lines) =>
  lines.length === count ? undefined : `expected ${what} (${count} lines), got ${lines.length} lines`
const oneLine = (pattern: RegExp, what: string): Expected => (lines) =>
  lines.some((line) => pattern.test(line)) ? undefined : `expected ${what}`

const effect3: Line = {
  label: "Effect 3 line (0.x)",
  key: "effect-3",
  dir: "packages",
  published: ["graph-core", "waba", "emulator", "redis", "cli"],
  libraries: ["graph-core", "waba", "emulator", "redis"],
  pages: [
    "docs/getting-started.md",
    "README.md",
    ...["graph-core", "waba", "emulator", "redis", "cli"].map(
      (name) => `packages/${name}/README.md`
    )
  ],
  effectMajor: 3,
  expectedOutput: {
    "README.md": lineCount(10, "the 10 newest accounts"),
    "docs/getting-started.md": lineCount(137, "one line per account"),
    "packages/graph-core/README.md": oneLine(/1234567890 Blue Foods S\.A\./, "the business's name"),
    "packages/waba/README.md": oneLine(/\d+ accounts owned by the business itself/, "a count"),
    "packages/emulator/README.md": oneLine(/10 accounts on the first page; 1 request logged/, "10 accounts, 1 request")
  },
  // Needs a Redis server and says so in its page.
  compileOnly: new Set(["packages/redis/README.md"]),
  emulator: (app) => ({ command: Path.join(app, "node_modules", ".bin", "waba"), args: ["emulator"] })
}

// The 1.x emulator's server, from the installed package, as a user's script would start it.
const serveEffect4 = `import { Testing } from "@effect-waba/emulator"
import { Effect } from "effect"

const ready = Effect.gen(function*() {
  const emulator = yield* Testing.Emulator
  const server = yield* Testing.EmulatorServer
  console.log(JSON.stringify({ url: server.url, token: emulator.token }))
  return yield* Effect.never
})
Effect.runFork(Effect.provide(ready, Testing.layerServer()))
`

const effect4: Line = {
  label: "Effect 4 line (1.x)",
  key: "effect-4",
  dir: "v4/packages",
  published: ["graph-core", "waba", "emulator"],
  libraries: ["graph-core", "waba", "emulator"],
  pages: [
    "README.md",
    "docs/effect-4.md",
    ...["graph-core", "waba", "emulator"].map((name) => `v4/packages/${name}/README.md`)
  ],
  effectMajor: 4,
  expectedOutput: {
    "README.md#0": lineCount(10, "the 10 newest accounts"),
    "README.md#1": oneLine(/^137 accounts in \d+ requests$/, "137 accounts and the requests they took"),
    "v4/packages/graph-core/README.md": oneLine(/1234567890 Blue Foods S\.A\./, "the business's name"),
    "v4/packages/waba/README.md": oneLine(/\d+ accounts owned by the business itself/, "a count"),
    "v4/packages/emulator/README.md": oneLine(/^10 accounts read; 2 requests logged$/, "10 accounts, 2 requests")
  },
  compileOnly: new Set(),
  emulator: (app) => {
    Fs.writeFileSync(Path.join(app, "serve-emulator.mjs"), serveEffect4)
    return { command: process.execPath, args: ["serve-emulator.mjs"] }
  }
}

// Packed and installed as the libraries' dependency on both lines, never by a page's line.
const plain = ["graph-rules"] as const

const failures: Array<string> = []
const fail = (message: string) => {
  failures.push(message)
  console.error(`packed-install: FAILED: ${message}`)
}
const step = (message: string) => console.log(`packed-install: ${message}`)

// A user's shell, not pnpm's: pnpm hands its settings to child processes as npm_config_* variables
// (auto-install-peers and others), which npm would obey.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key) && key !== "NODE_OPTIONS")
)

const run = (command: string, args: ReadonlyArray<string>, options: SpawnSyncOptions = {}) => {
  const result = spawnSync(command, args, { stdio: "inherit", env: cleanEnv, ...options })
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`)
  }
  return result
}
const output = (command: string, args: ReadonlyArray<string>, cwd: string) =>
  spawnSync(command, args, { cwd, encoding: "utf8", env: cleanEnv })

const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-waba-packed-"))
const tarballsOf = (line: Line) => Path.join(work, "tarballs", line.key)
const appOf = (line: Line) => Path.join(work, line.key)

/** A line's tarballs by package name, as the project's package.json names them. */
interface Packed {
  readonly byName: Readonly<Record<string, string>>
  readonly versions: Readonly<Record<string, string>>
}

const pack = (line: Line): Packed => {
  step(`${line.label}: packing the packages`)
  const tarballs = tarballsOf(line)
  Fs.mkdirSync(tarballs, { recursive: true })
  const byName: Record<string, string> = {}
  const versions: Record<string, string> = {}
  const sources = [
    ...line.published.map((name) => ({ name, dir: Path.join(root, line.dir, name) })),
    ...plain.map((name) => ({ name, dir: Path.join(root, "packages", name) }))
  ]
  for (const { dir, name } of sources) {
    const before = new Set(Fs.readdirSync(tarballs))
    run("pnpm", ["pack", "--pack-destination", tarballs], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] })
    const tarball = Fs.readdirSync(tarballs).find((file) => !before.has(file))!
    // Relative to the project, as npm writes it into package.json: the overrides must say the same.
    byName[`@effect-waba/${name}`] = `file:../tarballs/${line.key}/${tarball}`
    const files = output("tar", ["-tzf", tarball], tarballs).stdout.split("\n")
    // The CLI is an application: it publishes its executable and the bundle that runs, no API. The 1.x
    // emulator carries its engine, bundled, and the engine's plain declarations.
    const built = name === "cli"
      ? ["dist/bin.js", "dist/waba.cjs"]
      : name === "graph-rules"
      ? ["dist/paging.js", "dist/paging.d.ts"]
      : line.key === "effect-4" && name === "emulator"
      ? ["dist/index.js", "dist/index.d.ts", "dist/internal/engine.js", "dist/internal/engine/Faults.d.ts"]
      : ["dist/index.js", "dist/index.d.ts"]
    for (const required of ["package/README.md", "package/LICENSE", ...built.map((file) => `package/${file}`)]) {
      if (!files.includes(required)) fail(`${tarball} has no ${required.slice("package/".length)}`)
    }
    const text = output("tar", ["-xzOf", tarball, "package/package.json"], tarballs).stdout
    if (text.includes("workspace:")) fail(`${tarball}'s package.json still holds a workspace: range`)
    const manifest = JSON.parse(text) as {
      readonly version: string
      readonly dependencies?: Record<string, string>
      readonly peerDependencies?: Record<string, string>
    }
    versions[`@effect-waba/${name}`] = manifest.version
    const effectRange = manifest.peerDependencies?.effect
    if (effectRange !== undefined && !effectRange.startsWith(`^${line.effectMajor}.`)) {
      fail(`${tarball} asks for effect ${effectRange}, not Effect ${line.effectMajor}`)
    }
    if (line.key === "effect-4") {
      const effect3Names = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })
        .filter((dependency) => dependency.startsWith("@effect/"))
      if (effect3Names.length > 0) fail(`${tarball} (Effect 4 line) asks for ${effect3Names.join(", ")}`)
    }
  }
  return { byName, versions }
}

// An `npm` line that installs (and so needs the overrides in place first).
const installs = (words: ReadonlyArray<string>) => ["install", "i", "add"].includes(words[1] ?? "")

// A line's npm lines: those of its install fences, and on the Effect 4 line also the project-making ones
// (`npm init`, `npm pkg`) of the others, which the README shows once for both lines.
const installLines = (line: Line): ReadonlyArray<{ readonly where: string; readonly words: ReadonlyArray<string> }> => {
  const seen = new Set<string>()
  const lines: Array<{ where: string; words: Array<string> }> = []
  for (const page of line.pages) {
    const fences = DocFences.parse(page, Fs.readFileSync(Path.join(root, page), "utf8"))
    for (const fence of fences.filter((fence) => fence.flags.includes("install"))) {
      const own = DocFences.isEffect4(fence) === (line.key === "effect-4")
      if (!own && line.key === "effect-3") continue
      fence.code.split("\n").forEach((text, index) => {
        const words = text.replace(/#.*$/, "").trim().split(/\s+/).filter((word) => word !== "")
        if (words[0] !== "npm" || seen.has(words.join(" "))) return
        if (!own && installs(words)) return
        seen.add(words.join(" "))
        lines.push({ where: `${page}:${fence.line + 1 + index}`, words })
      })
    }
  }
  return lines
}

// A word of an install line: one of ours (with any version, which the tarball must fit) becomes its tarball.
const tarballFor = (packed: Packed, where: string) => (word: string): string => {
  const match = /^(@effect-waba\/[a-z-]+)(?:@(.+))?$/.exec(word)
  const tarball = match === null ? undefined : packed.byName[match[1]!]
  if (match === null || tarball === undefined) return word
  const wanted = match[2]
  const version = packed.versions[match[1]!]!
  if (wanted !== undefined && !(version === wanted || version.startsWith(`${wanted}.`))) {
    fail(`${where}: asks for ${word}, but the package is ${version}`)
  }
  return tarball
}

const install = (line: Line, packed: Packed) => {
  const app = appOf(line)
  const manifestPath = Path.join(app, "package.json")
  for (const { where, words } of installLines(line)) {
    if (installs(words) && !Fs.existsSync(manifestPath)) {
      fail(`${where}: installs before any line has made the project (npm init -y)`)
      return
    }
    if (installs(words)) {
      const manifest = JSON.parse(Fs.readFileSync(manifestPath, "utf8")) as Record<string, unknown>
      if (manifest.overrides === undefined) {
        Fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, overrides: packed.byName }, null, 2))
      }
    }
    const args = words.slice(1).filter((word) => word !== "-g" && word !== "--global").map(tarballFor(packed, where))
    step(`${line.label}: ${where}: ${words.join(" ")}`)
    run("npm", args, { cwd: app, stdio: ["ignore", "ignore", "inherit"] })
  }
  const type = (JSON.parse(Fs.readFileSync(manifestPath, "utf8")) as { readonly type?: string }).type
  if (type !== "module") fail(`the pages' lines leave package.json with "type": ${JSON.stringify(type)}, not "module"`)

  const ls = output("npm", ["ls", "--all"], app)
  if (ls.status !== 0) fail(`${line.label}: npm ls --all found problems:\n${ls.stdout}${ls.stderr}`)
  const shared = [
    "effect",
    ...(line.key === "effect-3" ? ["@effect/platform"] : []),
    ...[...line.libraries, ...plain].map((lib) => `@effect-waba/${lib}`)
  ]
  for (const name of shared) {
    const copies = output("npm", ["ls", name, "--all", "--parseable"], app).stdout.split("\n").filter((l) => l !== "")
    if (new Set(copies).size !== 1) fail(`${line.label}: expected one copy of ${name}, found ${copies.length}`)
  }
  const effect = (JSON.parse(Fs.readFileSync(Path.join(app, "node_modules", "effect", "package.json"), "utf8")) as {
    readonly version: string
  }).version
  if (!effect.startsWith(`${line.effectMajor}.`)) fail(`${line.label}: the lines installed effect ${effect}`)
  else step(`${line.label}: installed next to effect ${effect}`)
  if (line.key === "effect-4" && Fs.existsSync(Path.join(app, "node_modules", "@effect", "platform"))) {
    fail(`${line.label}: @effect/platform (an Effect 3 package) was installed`)
  }
}

interface Program {
  readonly fence: DocFences.Fence
  /** Its place among the line's programs of its page, from 0. */
  readonly index: number
  readonly name: string
}

/** The pages' `tsconfig.json`: one text, wherever a page shows it. */
const documentedTsconfig = (line: Line): string | undefined => {
  const fences = line.pages.flatMap((page) =>
    DocFences.parse(page, Fs.readFileSync(Path.join(root, page), "utf8"))
      .filter((fence) => fence.lang === "json" && fence.flags.includes("tsconfig"))
  )
  const texts = new Set(fences.map((fence) => fence.code))
  if (texts.size !== 1) {
    fail(`expected one tsconfig.json in the pages, found ${texts.size}: ${fences.map(DocFences.where).join(", ")}`)
    return undefined
  }
  return [...texts][0]
}

interface Compiler {
  readonly version: string
  readonly tsc: string
}

const compilerVersion = (tsc: string) => /Version (\S+)/.exec(output(tsc, ["--version"], work).stdout)?.[1] ?? "unknown"

// TypeScript 5.9, which the packages are built with, and the registry's current one (7 at the time of
// writing: the native compiler, whose npm package still provides `tsc`), besides what the pages installed.
const compilers = (app: string): ReadonlyArray<Compiler> => {
  const own = Path.join(app, "node_modules", ".bin", "tsc")
  const found: Array<Compiler> = Fs.existsSync(own) ? [{ version: compilerVersion(own), tsc: own }] : []
  if (found.length === 0) fail("the pages' install lines install no TypeScript (no node_modules/.bin/tsc)")
  const latest = output("npm", ["view", "typescript", "version"], app).stdout.trim()
  for (const version of ["5.9.3", latest]) {
    if (found.some((compiler) => compiler.version === version)) continue
    const dir = Path.join(work, `typescript-${version}`)
    // Installed once, for both lines.
    if (Fs.existsSync(dir)) {
      found.push({ version, tsc: Path.join(dir, "node_modules", ".bin", "tsc") })
      continue
    }
    Fs.mkdirSync(dir)
    run("npm", ["install", "--no-save", "--no-package-lock", `typescript@${version}`], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"]
    })
    found.push({ version, tsc: Path.join(dir, "node_modules", ".bin", "tsc") })
  }
  return found
}

const compile = (line: Line): ReadonlyArray<Program> => {
  const app = appOf(line)
  const counts = new Map<string, number>()
  const programs = line.pages.flatMap((page) =>
    DocFences.parse(page, Fs.readFileSync(Path.join(root, page), "utf8"))
      .filter((fence) =>
        (fence.lang === "ts" || fence.lang === "typescript") && !fence.flags.includes("partial") &&
        DocFences.isEffect4(fence) === (line.key === "effect-4")
      )
      .map((fence) => {
        const index = counts.get(page) ?? 0
        counts.set(page, index + 1)
        return { fence, index, name: `${page.replace(/[^A-Za-z0-9]+/g, "_")}_L${fence.line}` }
      })
  )
  Fs.mkdirSync(Path.join(app, "src"))
  for (const program of programs) Fs.writeFileSync(Path.join(app, "src", `${program.name}.ts`), program.fence.code)
  const tsconfig = documentedTsconfig(line)
  if (tsconfig === undefined) return programs
  Fs.writeFileSync(Path.join(app, "tsconfig.json"), tsconfig)
  Fs.writeFileSync(
    Path.join(app, "tsconfig.strict.json"),
    JSON.stringify({
      extends: "./tsconfig.json",
      compilerOptions: {
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: false,
        noEmit: true
      }
    })
  )
  const byName = new Map(programs.map((program) => [program.name, program.fence]))
  // The first compiler is the project's own, run as the pages say (`npx tsc`): its output is what runs.
  compilers(app).forEach((compiler, index) => {
    for (const config of ["tsconfig.json", "tsconfig.strict.json"]) {
      const emit = index === 0 && config === "tsconfig.json"
      step(
        `${line.label}: compiling ${programs.length} programs from the pages: TypeScript ${compiler.version}, ${config}`
      )
      const tsc = output(compiler.tsc, ["-p", config, "--pretty", "false", ...(emit ? [] : ["--noEmit"])], app)
      if (tsc.status !== 0) {
        // src/<name>.ts(line,column): … → the page and line the snippet came from.
        const mapped = tsc.stdout.replace(
          /src\/([A-Za-z0-9_]+)\.ts\((\d+),(\d+)\)/g,
          (text, name: string, line, column) => {
            const fence = byName.get(name)
            return fence === undefined ? text : `${fence.file}:${fence.line + Number(line)}:${column}`
          }
        )
        fail(
          `${line.label}: the pages' programs do not compile with TypeScript ${compiler.version} and ${config}:\n` +
            `${mapped}${tsc.stderr}`
        )
      }
    }
  })
  return programs
}

const startEmulator = (line: Line) =>
  new Promise<{ readonly url: string; readonly token: string; readonly stop: () => void }>((resolve, reject) => {
    const app = appOf(line)
    const { args, command } = line.emulator(app)
    const child = spawn(command, args, { cwd: app, stdio: ["ignore", "pipe", "inherit"], env: cleanEnv })
    let stdout = ""
    child.on("error", reject)
    child.on("exit", (code) => reject(new Error(`${line.label}: the emulator exited (${code}) before its ready line`)))
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const end = stdout.indexOf("\n")
      if (end < 0) return
      const ready = JSON.parse(stdout.slice(0, end)) as { readonly url: string; readonly token: string }
      resolve({ url: ready.url, token: ready.token, stop: () => child.kill("SIGTERM") })
    })
  })

const runPrograms = async (line: Line, programs: ReadonlyArray<Program>) => {
  const app = appOf(line)
  const emulator = await startEmulator(line)
  step(`${line.label}: the emulator is ready at ${emulator.url}`)
  try {
    for (const { fence, index, name } of programs.filter((program) => !line.compileOnly.has(program.fence.file))) {
      const result = spawnSync(process.execPath, [Path.join("dist", `${name}.js`)], {
        cwd: app,
        encoding: "utf8",
        timeout: 120_000,
        env: { PATH: cleanEnv.PATH ?? "", GRAPH_BASE_URL: emulator.url, GRAPH_ACCESS_TOKEN: emulator.token }
      })
      const lines = result.stdout.split("\n").filter((line) => line !== "")
      const where = DocFences.where(fence)
      const expected = line.expectedOutput[`${fence.file}#${index}`] ?? line.expectedOutput[fence.file] ??
        ((l) => l.length > 0 ? undefined : "printed nothing")
      // Effect 3's logger writes `level=ERROR`, Effect 4's `ERROR` after the time.
      const problem = result.status !== 0
        ? `exited with ${result.status ?? result.signal}`
        : /level=(ERROR|FATAL)|^\[[^\]]*\] (ERROR|FATAL)\b/m.test(result.stdout + result.stderr)
        ? "logged an error"
        : expected(lines)
      if (problem === undefined) {
        step(`${line.label}: ${where}: ran, ${lines.length} lines of output: ${lines[0] ?? ""}`)
      } else {
        fail(`${where}: the program ${problem}:\n${result.stdout}${result.stderr}`)
      }
    }
  } finally {
    emulator.stop()
  }
}

// What `npm install --legacy-peer-deps` (npm's own advice for the peer conflict) leaves next to Effect 4:
// importing a library package must fail with the package's own message, and a program that imports
// `@effect/platform` itself must fail as docs/getting-started.md says (Node refuses to load it, before any
// code of ours can run).
const nextToEffect4 = ({ byName }: Packed) => {
  const dir = Path.join(work, "legacy-peer-deps")
  Fs.mkdirSync(dir)
  run("npm", ["init", "-y"], { cwd: dir, stdio: "ignore" })
  run("npm", ["pkg", "set", "type=module"], { cwd: dir })
  // The libraries' own dependency (graph-rules) comes from its tarball too, as in the main project.
  const manifestPath = Path.join(dir, "package.json")
  const manifest = JSON.parse(Fs.readFileSync(manifestPath, "utf8")) as Record<string, unknown>
  Fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, overrides: byName }, null, 2))
  const ours = ["@effect-waba/waba", "@effect-waba/graph-core"].map((name) => byName[name]!)
  step("next to Effect 4: npm install --legacy-peer-deps @effect-waba/waba @effect-waba/graph-core effect@4")
  run("npm", ["install", "--legacy-peer-deps", ...ours, "effect@4", "@effect/platform@0.97.2"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"]
  })
  const effect = (JSON.parse(Fs.readFileSync(Path.join(dir, "node_modules", "effect", "package.json"), "utf8")) as {
    readonly version: string
  }).version
  for (const name of ["@effect-waba/waba", "@effect-waba/graph-core"]) {
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(name)})`], {
      cwd: dir,
      encoding: "utf8",
      env: cleanEnv
    })
    const expected = [
      `${name} 0.1.0 cannot run next to the Effect installed here`,
      `effect ${effect} is installed; it needs effect@^3.22.4`,
      "npm install effect@3.22.4 @effect/platform@0.97.2"
    ]
    const missing = expected.filter((text) => !result.stderr.includes(text))
    if (result.status === 0 || missing.length > 0) {
      fail(`importing ${name} next to effect ${effect} did not say ${JSON.stringify(missing)}:\n${result.stderr}`)
    } else {
      step(`next to effect ${effect}, importing ${name} names the versions and the install line`)
    }
  }
  const platform = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", "import { FetchHttpClient } from \"@effect/platform\"; console.log(FetchHttpClient)"],
    { cwd: dir, encoding: "utf8", env: cleanEnv }
  )
  if (platform.status === 0 || !/Cannot find module '[^']*\/effect\/dist\/Either\.js'/.test(platform.stderr)) {
    fail(
      `a program importing @effect/platform next to effect ${effect} did not fail as the guide says:\n${platform.stderr}`
    )
  }
}

const main = async () => {
  step(`working in ${work}`)
  step("building both lines")
  run("pnpm", ["-s", "build"], { cwd: root })
  const packed = { "effect-3": pack(effect3), "effect-4": pack(effect4) }
  for (const line of [effect3, effect4]) {
    Fs.mkdirSync(appOf(line))
    const before = failures.length
    install(line, packed[line.key])
    const programs = compile(line)
    if (failures.length === before) await runPrograms(line, programs)
  }
  nextToEffect4(packed["effect-3"])
}

main().then(
  () => {
    if (process.env.PACKED_INSTALL_KEEP === undefined) Fs.rmSync(work, { recursive: true, force: true })
    if (failures.length > 0) {
      console.error(`packed-install: ${failures.length} problem(s); see above`)
      process.exit(1)
    }
    step(
      "the packed packages of the Effect 3 line and of the Effect 4 line install next to their Effect, compile and " +
        "run; the 0.x ones refuse Effect 4 by name"
    )
  },
  (error: unknown) => {
    console.error(`packed-install: ${error instanceof Error ? error.message : String(error)} (kept ${work})`)
    process.exit(1)
  }
)
