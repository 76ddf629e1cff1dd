#!/usr/bin/env node
/**
 * The `waba` executable: starts the bundled program (`waba.cjs`, built from `main.ts`) with V8's code cache
 * for it (`waba.cjs.cache`), so that a start skips compiling most of the program. The cache is made when
 * the bundle is built; one that does not belong to this bundle, or that this Node.js cannot use, is left
 * aside and the program is compiled as usual.
 *
 * @since 0.1.0
 */
import type * as FsModule from "node:fs"
import { createRequire } from "node:module"
import type * as PathModule from "node:path"
import type * as UrlModule from "node:url"
import type * as V8Module from "node:v8"
import type * as VmModule from "node:vm"

// Node's built-in modules through `require`: an ES `import` of one builds its whole namespace, and for
// `node:fs` that evaluates its streams (a millisecond) that nothing here uses.
const require = createRequire(import.meta.url)
const Fs: typeof FsModule = require("node:fs")
const Path: typeof PathModule = require("node:path")
const Url: typeof UrlModule = require("node:url")
const V8: typeof V8Module = require("node:v8")
const Vm: typeof VmModule = require("node:vm")

// A command that runs for a tenth of a second gains nothing from optimised code, yet V8 marks Effect's run
// loop and the help printer hot within milliseconds, and the process then waits at exit for those
// background compilations (a third of `waba --help`'s CPU time). Four times V8's default interrupt budget
// leaves a short command in the interpreter, while a longer one still gets optimised code, a little later.
// The flag is set before the program is compiled, as when its code cache was recorded (V8 checks the flags
// a cache was made with); it is set only on V8 11 (Node 20), where it was measured.
if (process.versions.v8.startsWith("11.")) V8.setFlagsFromString("--interrupt-budget=270336")

const directory = Path.dirname(Url.fileURLToPath(import.meta.url))
const program = Path.join(directory, "waba.cjs")
// The bundle is ASCII (esbuild escapes everything else), so reading it as Latin-1 gives the same text
// without decoding UTF-8: a tenth of the time, for a megabyte.
const source = Fs.readFileSync(program, "latin1")
// The bundle's first line names its build; the cache starts with the same line.
const build = source.slice(0, source.indexOf("\n") + 1)

const cached = (): Buffer | undefined => {
  try {
    const file = Fs.readFileSync(`${program}.cache`)
    return file.subarray(0, build.length).toString("utf8") === build ? file.subarray(build.length) : undefined
  } catch {
    return undefined
  }
}

// The bundle is the function Node's module wrapper would make of it (see scripts/bundle.mjs), so that it
// is compiled as it was read, without a megabyte's copy to wrap it.
const script = new Vm.Script(source, { filename: program, cachedData: cached() })
const module = { exports: {} }
script.runInThisContext().call(module.exports, module.exports, createRequire(program), module, program, directory)

// The bundle script sets this once, after a build, to record the functions a run compiled.
const record = process.env.WABA_RECORD_CODE_CACHE
if (record !== undefined && record !== "") {
  process.once("exit", () => Fs.writeFileSync(record, Buffer.concat([Buffer.from(build), script.createCachedData()])))
}
