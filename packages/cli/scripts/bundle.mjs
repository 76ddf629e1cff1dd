// Bundles the `waba` program (src/main.ts) into one file, dist/waba.cjs, so that starting it reads one
// file instead of resolving hundreds of modules, and records V8's code cache for it (dist/waba.cjs.cache)
// by running the demo and `--help`. dist/bin.js (src/bin.ts) starts the program with the cache. Inside the
// bundle, the emulator, the Graph client, undici and the inventory's SQL clients stay behind `import()`: their
// code is only evaluated when a command uses them.
//
// better-sqlite3 is a native module built for one Node.js: it stays outside, required from where waba is
// installed when a command opens a SQLite store (see src/Database.ts). pg's optional native binding
// (pg-native) is never used.
//
// `node scripts/bundle.mjs --if-stale` does nothing when dist/waba.cjs is newer than everything it is made
// from (the root `pnpm start` uses it, so that it does not rebuild when dist is up to date).
import * as esbuild from "esbuild"
import { execFileSync } from "node:child_process"
import { randomUUID } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as process from "node:process"
import { fileURLToPath } from "node:url"

const cli = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const root = Path.resolve(cli, "../..")
const dist = Path.join(cli, "dist")
const program = Path.join(dist, "waba.cjs")
const bin = Path.join(dist, "bin.js")

// Everything the bundle is made from: the sources of the packages it bundles (read through their
// `@effect-waba/source` condition), their manifests, the lockfile (the versions of the rest) and this file.
const inputs = () => [
  ...["cli", "graph-core", "waba", "emulator", "inventory"].flatMap((name) => [
    Path.join(root, "packages", name, "src"),
    Path.join(root, "packages", name, "package.json")
  ]),
  Path.join(root, "pnpm-lock.yaml"),
  fileURLToPath(import.meta.url)
]

const newest = (path) => {
  const stat = Fs.statSync(path, { throwIfNoEntry: false })
  if (stat === undefined) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  return Fs.readdirSync(path).reduce((latest, entry) => Math.max(latest, newest(Path.join(path, entry))), stat.mtimeMs)
}

const isStale = () => {
  const built = [program, `${program}.cache`, bin].map((file) => Fs.statSync(file, { throwIfNoEntry: false }))
  if (built.some((stat) => stat === undefined)) return true
  const oldest = Math.min(...built.map((stat) => stat.mtimeMs))
  return inputs().some((input) => newest(input) > oldest)
}

if (process.argv.includes("--if-stale") && !isStale()) process.exit(0)

const common = { absWorkingDir: cli, platform: "node", target: "node20", logLevel: "warning" }

// string-width builds an Intl.Segmenter and compiles its Unicode-property expressions as it is evaluated,
// and TerminalText calls it only for text that is not printable ASCII, which a listing seldom holds. Inside
// the bundle, TerminalText's import of it is a stand-in that evaluates it on the first call.
const lazyStringWidth = {
  name: "lazy-string-width",
  setup(build) {
    build.onResolve(
      { filter: /^string-width$/ },
      (args) => args.namespace === "lazy" ? undefined : { path: "string-width", namespace: "lazy" }
    )
    build.onLoad({ filter: /^string-width$/, namespace: "lazy" }, () => ({
      contents:
        "let width\nexport default (text, options) => (width ??= require(\"string-width\").default)(text, options)\n",
      resolveDir: cli,
      loader: "js"
    }))
  }
}

await esbuild.build({
  ...common,
  entryPoints: ["src/main.ts"],
  outfile: program,
  bundle: true,
  format: "cjs",
  conditions: ["@effect-waba/source"],
  plugins: [lazyStringWidth],
  external: ["better-sqlite3", "pg-native"],
  minify: true,
  legalComments: "none",
  charset: "ascii",
  // The first line names the build, so that bin.js uses no cache made for another one. The script's value
  // is the function bin.js calls with what Node's module wrapper passes.
  banner: { js: `// waba ${randomUUID()}\n(function (exports, require, module, __filename, __dirname) {` },
  footer: { js: "})" }
})
const bundled = Fs.readFileSync(program, "utf8")
// bin.js runs the bundle as a script, which has no module loader for `import()`: every import must be bundled.
if (/\bimport\(/.test(bundled)) throw new Error("waba.cjs still has an import(): bundle it")
// bin.js reads it as Latin-1, which is right only for ASCII (esbuild's default charset).
// eslint-disable-next-line no-control-regex
if (/[^\x00-\x7f]/.test(bundled)) throw new Error("waba.cjs is not ASCII")

await esbuild.build({ ...common, entryPoints: ["src/bin.ts"], outfile: bin, format: "esm" })
Fs.chmodSync(bin, 0o755)

Fs.rmSync(`${program}.cache`, { force: true })
// Without a token or a base URL the demo runs, and it must never read a real one from this shell.
const record = { env: { PATH: process.env.PATH ?? "", WABA_RECORD_CODE_CACHE: `${program}.cache` }, stdio: "ignore" }
execFileSync(process.execPath, [bin, "accounts", "--format", "jsonl"], record)
execFileSync(process.execPath, [bin, "--help"], record)
execFileSync(process.execPath, [bin, "accounts", "--help"], record)
