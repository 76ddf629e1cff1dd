// Makes dist/ publishable: after `tsc`, bundles the emulator engine (the Effect 3 line's emulator, reached in
// the repository through the `@effect-waba/emulator-engine` link) into dist/internal/engine.js, with the
// Effect 3, @effect/platform and the 0.x packages it runs on, so that the published package depends on none
// of them. The CLI ships its program the same way (packages/cli/scripts/bundle.mjs).
//
// The engine's sources are bundled (the `@effect-waba/source` condition), not its built entries: those check
// the installed Effect first (scripts/effect-guard.mjs), which at a user's is Effect 4.
//
// The declarations: tsc wrote dist/*.d.ts, which name the engine's fault and request-log types through the
// link. Those two engine declaration files import nothing; they are copied into dist/internal/engine/ and
// the link's specifiers pointed at them. Anything else of the engine's in a declaration fails the build.
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const pkg = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const dist = Path.join(pkg, "dist")
const engineDist = Path.join(pkg, "node_modules", "@effect-waba", "emulator-engine", "dist")
const copied = ["Faults", "RequestLog"]

await esbuild.build({
  absWorkingDir: pkg,
  entryPoints: ["src/internal/engine.ts"],
  outfile: Path.join(dist, "internal", "engine.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  conditions: ["@effect-waba/source"],
  logLevel: "warning",
  legalComments: "none",
  // The bundled CommonJS modules (ws, msgpackr, …) call `require`, which an ES module lacks.
  banner: {
    js:
      "import { createRequire as __engineRequire } from \"node:module\"\nconst require = __engineRequire(import.meta.url)"
  }
})
// tsc's declaration of the engine names the link; nothing of the package's imports it.
for (const file of ["engine.d.ts", "engine.d.ts.map", "engine.js.map"]) {
  Fs.rmSync(Path.join(dist, "internal", file), { force: true })
}

const engineTypes = Path.join(dist, "internal", "engine")
Fs.mkdirSync(engineTypes, { recursive: true })
for (const name of copied) {
  const text = Fs.readFileSync(Path.join(engineDist, `${name}.d.ts`), "utf8")
  const imports = [...text.matchAll(/^(?:import|export) [^;]* from "([^"]+)"/gm)].map((match) => match[1])
  const foreign = imports.filter((specifier) => !copied.some((other) => specifier === `./${other}.js`))
  if (foreign.length > 0) {
    throw new Error(`the engine's ${name}.d.ts imports ${foreign.join(", ")}: it cannot be copied`)
  }
  Fs.writeFileSync(Path.join(engineTypes, `${name}.d.ts`), text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n"))
}

const declarations = Fs.readdirSync(dist, { recursive: true }).filter((file) => String(file).endsWith(".d.ts"))
for (const file of declarations.map((file) => Path.join(dist, String(file)))) {
  if (file.startsWith(engineTypes)) continue
  const text = Fs.readFileSync(file, "utf8")
  const rewritten = text.replace(/"@effect-waba\/emulator-engine\/([A-Za-z]+)"/g, (specifier, name) => {
    if (!copied.includes(name)) throw new Error(`${file} names the engine's ${name}, which is not published`)
    const target = Path.relative(Path.dirname(file), Path.join(engineTypes, `${name}.js`))
    return JSON.stringify(target.startsWith(".") ? target : `./${target}`)
  })
  if (rewritten !== text) Fs.writeFileSync(file, rewritten)
}
