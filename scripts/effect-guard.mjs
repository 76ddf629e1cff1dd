// Writes, after `tsc`, the entry Node loads for a library package: `dist/<entry>.node.js` next to each
// `dist/<entry>.js` named on the command line (run from the package's folder, as its `build` script does).
//
// Why: next to an Effect these packages do not support (Effect 4, which `npm install --legacy-peer-deps`
// installs anyway), `@effect/platform` cannot even be loaded: Node fails while it links the module graph
// (`Cannot find module '…/effect/dist/Either.js'`), before any module of that graph is evaluated, so a guard
// imported first would never run. The entry written here imports nothing of Effect's: it reads the versions
// of the package's Effect peers with `require("<peer>/package.json")`, throws an error that names what it
// found, what it supports and the install line to use, and only then loads the package with `import()`
// (top-level await) and re-exports what it exports, name by name.
//
// Only the `node` + `import` condition of the package's `exports` points here: bundlers for browsers, and
// `require()`, get `dist/<entry>.js` itself, unguarded (a bundler fails at build time on `effect/Either`
// anyway). The names are read from the built module, so the entry cannot miss one.
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as process from "node:process"
import { pathToFileURL } from "node:url"

const manifest = JSON.parse(Fs.readFileSync("package.json", "utf8"))
// The Effect peers, with the caret ranges the package declares (its other peers are @effect-waba packages).
const supported = Object.fromEntries(
  Object.entries(manifest.peerDependencies ?? {}).filter(([name]) => name === "effect" || name.startsWith("@effect/"))
)

const guard = `// Written by scripts/effect-guard.mjs when the package was built: see there for why.
import { createRequire } from "node:module"

const pkg = ${JSON.stringify(`${manifest.name} ${manifest.version}`)}
const supported = ${JSON.stringify(supported)}

const satisfies = (version, range) => {
  const want = /^\\^(\\d+)\\.(\\d+)\\.(\\d+)$/.exec(range)
  const have = /^(\\d+)\\.(\\d+)\\.(\\d+)/.exec(version)
  if (want === null || have === null) return true
  const [major, minor, patch] = want.slice(1).map(Number)
  const [a, b, c] = have.slice(1).map(Number)
  if (a !== major) return false
  // ^0.97.2 is >=0.97.2 <0.98.0; ^3.22.4 is >=3.22.4 <4.0.0
  return major === 0 ? b === minor && c >= patch : b > minor || (b === minor && c >= patch)
}

const require = createRequire(import.meta.url)
const problems = []
for (const [name, range] of Object.entries(supported)) {
  let version
  try {
    version = require(name + "/package.json").version
  } catch (error) {
    // A package that does not export its manifest: its version cannot be told, so it is not judged.
    if (error?.code !== "MODULE_NOT_FOUND") continue
  }
  if (version === undefined) problems.push("  " + name + " is not installed; it needs " + name + "@" + range)
  else if (typeof version === "string" && !satisfies(version, range)) {
    problems.push("  " + name + " " + version + " is installed; it needs " + name + "@" + range)
  }
}
if (problems.length > 0) {
  const line = Object.entries(supported).map(([name, range]) => name + "@" + range.slice(1)).join(" ")
  class UnsupportedEffectError extends Error {}
  // On the prototype, so that the stack's first line (written as the error is made) carries the name.
  UnsupportedEffectError.prototype.name = "UnsupportedEffectError"
  throw new UnsupportedEffectError(
    pkg + " cannot run next to the Effect installed here:\\n" + problems.join("\\n") + "\\n" +
      "Install the versions it supports:\\n  npm install " + line + "\\n" +
      "(npm's latest effect is Effect 4, which effect-waba does not support yet; --legacy-peer-deps installs it anyway.)"
  )
}
`

for (const entry of process.argv.slice(2)) {
  const built = Path.resolve("dist", `${entry}.js`)
  const names = Object.keys(await import(pathToFileURL(built).href))
  if (names.some((name) => !/^[A-Za-z_$][\w$]*$/.test(name) || name === "default")) {
    throw new Error(`${built} exports a name the guarded entry cannot re-export: ${names.join(", ")}`)
  }
  Fs.writeFileSync(
    Path.resolve("dist", `${entry}.node.js`),
    `${guard}\nexport const { ${names.join(", ")} } = await import(${JSON.stringify(`./${entry}.js`)})\n`
  )
}
