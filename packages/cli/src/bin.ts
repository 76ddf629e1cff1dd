#!/usr/bin/env node
/**
 * The `waba` executable: starts the bundled program (`waba.cjs`, built from `main.ts` by
 * `scripts/bundle.mjs`) with V8's code cache for it (`waba.cjs.cache`), so that a start compiles little. A
 * cache that does not belong to this bundle, or that this Node.js cannot use, is left aside and the program
 * is compiled as usual.
 */
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import * as Url from "node:url"
import * as V8 from "node:v8"
import * as Vm from "node:vm"

// A short command gains nothing from optimised code, yet V8 marks Effect's run loop hot within milliseconds
// and the process then waits at exit for those background compilations. A larger interrupt budget keeps a
// short command in the interpreter and still optimises a long one, a little later. Set before the program is
// compiled, as when its cache was recorded (V8 refuses a cache made under other flags); measured on V8 11
// (Node 20) only.
if (process.versions.v8.startsWith("11.")) V8.setFlagsFromString("--interrupt-budget=270336")

const directory = Path.dirname(Url.fileURLToPath(import.meta.url))
const program = Path.join(directory, "waba.cjs")
// The bundle is ASCII (esbuild escapes everything else): Latin-1 reads it without decoding UTF-8.
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

// The bundle is the function Node's module wrapper would make of it (see scripts/bundle.mjs).
const script = new Vm.Script(source, { filename: program, cachedData: cached() })
const module = { exports: {} }
script.runInThisContext().call(module.exports, module.exports, createRequire(program), module, program, directory)

// The bundle script sets this once, after a build, to record the functions a run compiled.
const record = process.env.WABA_RECORD_CODE_CACHE
if (record !== undefined && record !== "") {
  process.once("exit", () => Fs.writeFileSync(record, Buffer.concat([Buffer.from(build), script.createCachedData()])))
}
