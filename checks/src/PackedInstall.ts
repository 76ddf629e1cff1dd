/**
 * The packages as a user outside this repository gets them.
 *
 * 1. Packs every published package with `pnpm pack` (which turns `workspace:` ranges into real ones) and
 *    checks each tarball: README, LICENSE, built code and types, no `workspace:` range left.
 * 2. In an empty folder in the system's temporary folder, runs every `npm` line of the `sh install` fences
 *    of the README, the getting-started guide and the packages' READMEs, in order and exactly as written
 *    (`npm init -y`, `npm pkg set type=module`, then the installs: no `--legacy-peer-deps`, no `--force`),
 *    except for the `@effect-waba/…` packages, which the registry does not have yet: their names become the
 *    tarballs, and the project's `overrides` (added once `npm init` has made package.json) map each name
 *    to its tarball wherever it is asked for (the library packages ask for each other as peers). Everything else comes from the registry, as for a user. For the same reason an `npm install -g`
 *    line (the CLI) installs into the project instead (a global install reads no overrides), and `waba`
 *    runs from `node_modules/.bin`. Then `npm ls --all` must find no missing or invalid peer, and there must
 *    be one copy of `effect` and of each library package.
 * 3. Writes the pages' `json tsconfig` fence as the project's `tsconfig.json`, and compiles the complete
 *    TypeScript snippets of those pages there as `src/*.ts`, with the TypeScript the install lines put in
 *    the project (`npx tsc`, as the pages say) and with TypeScript 5.9 and the registry's current one
 *    (each installed beside the project where the lines did not install it): each with that tsconfig.json,
 *    and with a stricter one extending it (`exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`,
 *    `skipLibCheck` off, so the packages' own declarations are checked too).
 * 4. Starts the installed `waba emulator`, waits for its ready line, and runs the compiled programs with the
 *    `GRAPH_BASE_URL` and `GRAPH_ACCESS_TOKEN` it printed; each must exit 0, log no error, and print what its
 *    page says it prints.
 * 5. Next to Effect 4, as `npm install --legacy-peer-deps` leaves a project: importing a library package
 *    must fail with its own message (the versions found, the ranges supported, the install line), and a
 *    program importing `@effect/platform` itself fails as the getting-started guide says it does.
 *
 * Why a script and not a test: step 2 has to resolve Effect and its dependencies (ws, undici, msgpackr, …)
 * from the npm registry, as a user's install does, and tests never touch the network. CI (`.ci/run`) has
 * registry access, as it has for `pnpm install`, and runs this before `pnpm test`. An offline variant that
 * packed Effect's whole dependency tree out of node_modules would test that home-made mirror rather than
 * what users get. Run it with `pnpm --filter @effect-waba/checks run packed-install`; set
 * `PACKED_INSTALL_KEEP=1` to keep the project folder for a look.
 *
 * @since 0.1.0
 */
import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as DocFences from "./DocFences.js"

const root = DocFences.repositoryRoot
const published = ["graph-core", "waba", "emulator", "redis", "cli"] as const
const libraries = ["graph-core", "waba", "emulator", "redis"] as const
// Packed and installed as the libraries' dependency, never by a page's line.
const plain = ["graph-rules"] as const
const pages = ["docs/getting-started.md", "README.md", ...published.map((name) => `packages/${name}/README.md`)]

// What each page's programs print when run against `waba emulator` (default data: business 1234567890 owns
// 137 accounts). A program whose page is not listed must print at least one line.
const expectedOutput: Readonly<Record<string, (lines: ReadonlyArray<string>) => string | undefined>> = {
  "README.md": (lines) =>
    lines.length === 10 ? undefined : `expected the 10 newest accounts, got ${lines.length} lines`,
  "docs/getting-started.md": (lines) =>
    lines.length === 137 ? undefined : `expected one line per account (137), got ${lines.length}`,
  "packages/graph-core/README.md": (lines) =>
    lines.some((line) => line.includes("1234567890 Blue Foods S.A.")) ? undefined : "expected the business's name",
  "packages/waba/README.md": (lines) =>
    lines.some((line) => /\d+ accounts owned by the business itself/.test(line)) ? undefined : "expected a count",
  "packages/emulator/README.md": (lines) =>
    lines.some((line) => line.includes("10 accounts on the first page; 1 request logged"))
      ? undefined
      : "expected 10 accounts and 1 request"
}
// Needs a Redis server and says so in its page; compiled, not run.
const compileOnly = new Set(["packages/redis/README.md"])

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
const tarballs = Path.join(work, "tarballs")
const app = Path.join(work, "app")
Fs.mkdirSync(app)

const pack = (): Record<string, string> => {
  step("building and packing the packages")
  run("pnpm", ["-s", "build"], { cwd: root })
  const byName: Record<string, string> = {}
  for (const name of [...published, ...plain]) {
    const dir = Path.join(root, "packages", name)
    const before = new Set(Fs.existsSync(tarballs) ? Fs.readdirSync(tarballs) : [])
    run("pnpm", ["pack", "--pack-destination", tarballs], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] })
    const tarball = Fs.readdirSync(tarballs).find((file) => !before.has(file))!
    // Relative to the project, as npm writes it into package.json: the overrides must say the same.
    byName[`@effect-waba/${name}`] = `file:../tarballs/${tarball}`
    const files = output("tar", ["-tzf", tarball], tarballs).stdout.split("\n")
    // The CLI is an application: it publishes its executable and the bundle that runs, no API.
    const built = name === "cli"
      ? ["dist/bin.js", "dist/waba.cjs"]
      : name === "graph-rules"
      ? ["dist/paging.js", "dist/paging.d.ts"]
      : ["dist/index.js", "dist/index.d.ts"]
    for (const required of ["package/README.md", "package/LICENSE", ...built.map((file) => `package/${file}`)]) {
      if (!files.includes(required)) fail(`${tarball} has no ${required.slice("package/".length)}`)
    }
    const manifest = output("tar", ["-xzOf", tarball, "package/package.json"], tarballs).stdout
    if (manifest.includes("workspace:")) fail(`${tarball}'s package.json still holds a workspace: range`)
  }
  return byName
}

// An `npm` line that installs (and so needs the overrides in place first).
const installs = (words: ReadonlyArray<string>) => ["install", "i", "add"].includes(words[1] ?? "")

const installLines = (): ReadonlyArray<{ readonly where: string; readonly words: ReadonlyArray<string> }> => {
  const seen = new Set<string>()
  const lines: Array<{ where: string; words: Array<string> }> = []
  for (const page of pages) {
    const fences = DocFences.parse(page, Fs.readFileSync(Path.join(root, page), "utf8"))
    for (const fence of fences.filter((fence) => fence.flags.includes("install"))) {
      fence.code.split("\n").forEach((text, index) => {
        const words = text.replace(/#.*$/, "").trim().split(/\s+/).filter((word) => word !== "")
        if (words[0] !== "npm" || seen.has(words.join(" "))) return
        seen.add(words.join(" "))
        lines.push({ where: `${page}:${fence.line + 1 + index}`, words })
      })
    }
  }
  return lines
}

const install = (byName: Record<string, string>) => {
  const manifestPath = Path.join(app, "package.json")
  for (const { where, words } of installLines()) {
    if (installs(words) && !Fs.existsSync(manifestPath)) {
      fail(`${where}: installs before any line has made the project (npm init -y)`)
      return
    }
    if (installs(words)) {
      const manifest = JSON.parse(Fs.readFileSync(manifestPath, "utf8")) as Record<string, unknown>
      if (manifest.overrides === undefined) {
        Fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, overrides: byName }, null, 2))
      }
    }
    const args = words.slice(1).filter((word) => word !== "-g" && word !== "--global").map((w) => byName[w] ?? w)
    step(`${where}: ${words.join(" ")}`)
    run("npm", args, { cwd: app, stdio: ["ignore", "ignore", "inherit"] })
  }
  const type = (JSON.parse(Fs.readFileSync(manifestPath, "utf8")) as { readonly type?: string }).type
  if (type !== "module") fail(`the pages' lines leave package.json with "type": ${JSON.stringify(type)}, not "module"`)

  const ls = output("npm", ["ls", "--all"], app)
  if (ls.status !== 0) fail(`npm ls --all found problems:\n${ls.stdout}${ls.stderr}`)
  for (const name of ["effect", "@effect/platform", ...[...libraries, ...plain].map((lib) => `@effect-waba/${lib}`)]) {
    const copies = output("npm", ["ls", name, "--all", "--parseable"], app).stdout.split("\n").filter((l) => l !== "")
    if (new Set(copies).size !== 1) fail(`expected one copy of ${name} in the project, found ${copies.length}`)
  }
}

interface Program {
  readonly fence: DocFences.Fence
  readonly name: string
}

/** The pages' `tsconfig.json`: one text, wherever a page shows it. */
const documentedTsconfig = (): string | undefined => {
  const fences = pages.flatMap((page) =>
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

const compilerVersion = (tsc: string) => /Version (\S+)/.exec(output(tsc, ["--version"], app).stdout)?.[1] ?? "unknown"

// TypeScript 5.9, which the packages are built with, and the registry's current one (7 at the time of
// writing: the native compiler, whose npm package still provides `tsc`), besides what the pages installed.
const compilers = (): ReadonlyArray<Compiler> => {
  const own = Path.join(app, "node_modules", ".bin", "tsc")
  const found: Array<Compiler> = Fs.existsSync(own) ? [{ version: compilerVersion(own), tsc: own }] : []
  if (found.length === 0) fail("the pages' install lines install no TypeScript (no node_modules/.bin/tsc)")
  const latest = output("npm", ["view", "typescript", "version"], app).stdout.trim()
  for (const version of ["5.9.3", latest]) {
    if (found.some((compiler) => compiler.version === version)) continue
    const dir = Path.join(work, `typescript-${version}`)
    Fs.mkdirSync(dir)
    run("npm", ["install", "--no-save", "--no-package-lock", `typescript@${version}`], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"]
    })
    found.push({ version, tsc: Path.join(dir, "node_modules", ".bin", "tsc") })
  }
  return found
}

const compile = (): ReadonlyArray<Program> => {
  const programs = pages.flatMap((page) =>
    DocFences.parse(page, Fs.readFileSync(Path.join(root, page), "utf8"))
      .filter((fence) => (fence.lang === "ts" || fence.lang === "typescript") && !fence.flags.includes("partial"))
      .map((fence) => ({ fence, name: `${page.replace(/[^A-Za-z0-9]+/g, "_")}_L${fence.line}` }))
  )
  Fs.mkdirSync(Path.join(app, "src"))
  for (const program of programs) Fs.writeFileSync(Path.join(app, "src", `${program.name}.ts`), program.fence.code)
  const tsconfig = documentedTsconfig()
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
  compilers().forEach((compiler, index) => {
    for (const config of ["tsconfig.json", "tsconfig.strict.json"]) {
      const emit = index === 0 && config === "tsconfig.json"
      step(`compiling ${programs.length} programs from the pages: TypeScript ${compiler.version}, ${config}`)
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
          `the pages' programs do not compile with TypeScript ${compiler.version} and ${config}:\n${mapped}${tsc.stderr}`
        )
      }
    }
  })
  return programs
}

const startEmulator = () =>
  new Promise<{ readonly url: string; readonly token: string; readonly stop: () => void }>((resolve, reject) => {
    const child = spawn(Path.join(app, "node_modules", ".bin", "waba"), ["emulator"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: cleanEnv
    })
    let stdout = ""
    child.on("error", reject)
    child.on("exit", (code) => reject(new Error(`waba emulator exited (${code}) before its ready line`)))
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const end = stdout.indexOf("\n")
      if (end < 0) return
      const ready = JSON.parse(stdout.slice(0, end)) as { readonly url: string; readonly token: string }
      resolve({ url: ready.url, token: ready.token, stop: () => child.kill("SIGTERM") })
    })
  })

const runPrograms = async (programs: ReadonlyArray<Program>) => {
  const emulator = await startEmulator()
  step(`waba emulator is ready at ${emulator.url}`)
  try {
    for (const { fence, name } of programs.filter((program) => !compileOnly.has(program.fence.file))) {
      const result = spawnSync(process.execPath, [Path.join("dist", `${name}.js`)], {
        cwd: app,
        encoding: "utf8",
        timeout: 120_000,
        env: { PATH: cleanEnv.PATH ?? "", GRAPH_BASE_URL: emulator.url, GRAPH_ACCESS_TOKEN: emulator.token }
      })
      const lines = result.stdout.split("\n").filter((line) => line !== "")
      const where = DocFences.where(fence)
      const problem = result.status !== 0
        ? `exited with ${result.status ?? result.signal}`
        : /level=(ERROR|FATAL)/.test(result.stdout + result.stderr)
        ? "logged an error"
        : (expectedOutput[fence.file] ?? ((l) => l.length > 0 ? undefined : "printed nothing"))(lines)
      if (problem === undefined) {
        step(`${where}: ran, ${lines.length} lines of output`)
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
const nextToEffect4 = (byName: Record<string, string>) => {
  const dir = Path.join(work, "effect-4")
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
  const byName = pack()
  install(byName)
  const programs = compile()
  if (failures.length === 0) await runPrograms(programs)
  nextToEffect4(byName)
}

main().then(
  () => {
    if (process.env.PACKED_INSTALL_KEEP === undefined) Fs.rmSync(work, { recursive: true, force: true })
    if (failures.length > 0) {
      console.error(`packed-install: ${failures.length} problem(s); see above`)
      process.exit(1)
    }
    step("the packed packages install next to Effect 3, compile and run, and refuse Effect 4 by name")
  },
  (error: unknown) => {
    console.error(`packed-install: ${error instanceof Error ? error.message : String(error)} (kept ${work})`)
    process.exit(1)
  }
)
