/**
 * What a user outside the repository relies on in the published packages' manifests: where the code lives,
 * which Node it needs, a README and a LICENSE in the tarball, and dependencies a fresh npm install can
 * satisfy next to the user's own Effect 3 (libraries take Effect and each other as peers; the CLI, an
 * application, is one bundle with no runtime dependencies), and for the Effect 4 line (1.x, `v4/packages`)
 * next to the user's Effect 4, with no Effect 3 anywhere (the 1.x emulator bundles its engine). The install itself runs in CI:
 * `checks/src/PackedInstall.ts`; the CLI's install alone in the tests: `CliAlone.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import ts from "typescript"
import * as DocFences from "../src/DocFences.js"

const root = DocFences.repositoryRoot
const libraries = ["graph-core", "waba", "emulator", "redis", "inventory"] as const
const published = [...libraries, "cli"] as const

interface Manifest {
  readonly name: string
  readonly version?: string
  readonly private?: boolean
  readonly license?: string
  readonly keywords?: ReadonlyArray<string>
  readonly homepage?: string
  readonly bugs?: { readonly url: string }
  readonly repository?: { readonly type: string; readonly url: string; readonly directory: string }
  readonly engines?: Record<string, string>
  readonly publishConfig?: Record<string, string>
  readonly bin?: Record<string, string>
  readonly scripts?: Record<string, string>
  readonly dependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>
  readonly devDependencies?: Record<string, string>
}
const manifest = (dir: string): Manifest => JSON.parse(Fs.readFileSync(Path.join(root, dir, "package.json"), "utf8"))

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(Path.join(dir, entry.name))
      : entry.name.endsWith(".ts")
      ? [Path.join(dir, entry.name)]
      : []
  )

/** The packages a package's `src` imports (comments, and so JSDoc examples, left out). */
const importedPackages = (name: string, dir = "packages", skip: (file: string) => boolean = () => false) =>
  new Set(
    sourceFiles(Path.join(root, dir, name, "src")).filter((file) => !skip(file)).flatMap((file) =>
      ts.preProcessFile(Fs.readFileSync(file, "utf8"), true, true).importedFiles.map((imported) => imported.fileName)
        .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("node:"))
        .map((specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/"))
    )
  )

const rootLicense = Fs.readFileSync(Path.join(root, "LICENSE"), "utf8")

describe("published packages", () => {
  const repositories = new Set(published.map((name) => manifest(`packages/${name}`).repository?.url))

  it("share one repository, and are MIT licensed to the effect-waba authors", () => {
    expect(repositories.size).toBe(1)
    expect([...repositories][0]).toMatch(/^git\+https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/)
    expect(rootLicense).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the effect-waba authors\n/)
  })

  it.each([...published, "graph-rules"])("%s: metadata a registry page and npm need", (name) => {
    const pkg = manifest(`packages/${name}`)
    expect(pkg.name).toBe(`@effect-waba/${name}`)
    expect(pkg.private).toBeUndefined()
    expect(pkg.license).toBe("MIT")
    expect(pkg.repository).toMatchObject({ type: "git", directory: `packages/${name}` })
    expect(pkg.engines).toEqual({ node: ">=20" })
    expect(pkg.keywords?.length).toBeGreaterThan(2)
    expect(pkg.homepage).toMatch(new RegExp(`/packages/${name}#readme$`))
    expect(pkg.bugs?.url).toMatch(/\/issues$/)
    expect(pkg.publishConfig).toEqual({ access: "public" })
    expect(Fs.readFileSync(Path.join(root, "packages", name, "LICENSE"), "utf8")).toBe(rootLicense)
    const readme = Fs.readFileSync(Path.join(root, "packages", name, "README.md"), "utf8")
    expect(readme.startsWith(`# @effect-waba/${name}\n`)).toBe(true)
    // graph-rules comes with the libraries that depend on it: nothing to install, no example of its own.
    if (name === "graph-rules") return
    expect(readme).toContain("## Install")
    expect(readme).toContain("## Example")
  })

  it.each(libraries)("%s: Effect and the other libraries are peers, each also a devDependency", (name) => {
    const pkg = manifest(`packages/${name}`)
    const peers = pkg.peerDependencies ?? {}
    const dependencies = pkg.dependencies ?? {}
    for (const imported of importedPackages(name)) {
      const shared = imported !== "@effect-waba/graph-rules" &&
        (imported === "effect" || imported.startsWith("@effect/") || imported.startsWith("@effect-waba/"))
      // A second copy of effect or of graph-core would split the user's services and types in two.
      expect(shared ? peers[imported] : dependencies[imported] ?? peers[imported], `${name} imports ${imported}`)
        .toBeDefined()
      expect(shared ? dependencies[imported] : undefined, `${imported} must not be a dependency of ${name}`)
        .toBeUndefined()
    }
    for (const [peer, range] of Object.entries(peers)) {
      const dev = pkg.devDependencies?.[peer]
      expect(dev, `${peer} (a peer of ${name}) is installed for its tests`).toBeDefined()
      // The range starts at the version the tests run.
      expect(range, `${name}'s peer ${peer}`).toBe(dev === "workspace:^" ? "workspace:^" : `^${dev}`)
    }
  })

  it("graph-rules is plain code with no dependencies, and graph-core and waba depend on it", () => {
    const rules = manifest("packages/graph-rules")
    expect(rules.dependencies ?? {}).toEqual({})
    expect(rules.peerDependencies ?? {}).toEqual({})
    expect([...importedPackages("graph-rules")]).toEqual([])
    // A dependency, not a peer: it holds no service, state or class whose second copy would split anything,
    // and a user of either Effect line never names it.
    for (const name of ["graph-core", "waba"]) {
      expect(manifest(`packages/${name}`).dependencies).toEqual({ "@effect-waba/graph-rules": "workspace:^" })
    }
  })

  it("graph-core is a peer of waba, and the emulator's server needs @effect/platform-node as a peer", () => {
    expect(manifest("packages/waba").peerDependencies).toMatchObject({ "@effect-waba/graph-core": "workspace:^" })
    expect(manifest("packages/waba").dependencies?.["@effect-waba/graph-core"]).toBeUndefined()
    expect(manifest("packages/emulator").peerDependencies).toHaveProperty("@effect/platform-node")
  })

  it("the CLI is an application: one bundle with what it imports, no runtime dependencies, a waba executable", () => {
    const cli = manifest("packages/cli")
    expect(cli.peerDependencies).toBeUndefined()
    // The registry has none of the workspace's packages, and the bundle carries them all: a dependency would
    // only make `npm install -g` fetch (or fail to find) a tree the program never loads.
    expect(cli.dependencies).toBeUndefined()
    for (const imported of importedPackages("cli")) {
      expect(cli.devDependencies?.[imported], `cli imports ${imported}, which the bundle is built from`).toBeDefined()
    }
    expect(cli.bin).toEqual({ waba: "./dist/bin.js" })
    expect(manifest(".").scripts?.waba).toBe("node packages/cli/dist/bin.js")
  })
})

describe("install lines", () => {
  // The Effect 3 line's: those not marked effect-4.
  const installFences = (file: string) =>
    DocFences.parse(file, Fs.readFileSync(Path.join(root, file), "utf8"))
      .filter((f) => f.flags.includes("install") && !DocFences.isEffect4(f))
  const packagesOf = (line: string) => line.trim().split(/\s+/).slice(2).filter((word) => !word.startsWith("-")).sort()
  const kindOf = (line: string) =>
    /\s(-D|--save-dev)\b/.test(line) ? "dev" : /\s(-g|--global)\b/.test(line) ? "global" : "prod"

  it("the README and the getting-started guide show the same lines", () => {
    const code = (file: string) => installFences(file).map((fence) => fence.code)
    expect(code("README.md")).toEqual(code("docs/getting-started.md"))
  })

  it("a new project is made an ES module one before anything is installed", () => {
    for (const file of ["docs/getting-started.md", "README.md"]) {
      const [setup, npm] = installFences(file)
      // npm init -y writes "type": "commonjs", under which TypeScript refuses to import ES modules (TS1295).
      expect(setup!.code).toBe("npm init -y\nnpm pkg set type=module")
      expect(npm!.code.split("\n").filter((line) => kindOf(line) === "dev").flatMap(packagesOf)).toEqual(
        expect.arrayContaining(["typescript", "@types/node@20"])
      )
    }
  })

  it("each pnpm line installs what the npm line before it does, with Effect 3 pinned", () => {
    for (const file of ["docs/getting-started.md", "README.md"]) {
      const fences = installFences(file)
      const npm = fences.find((fence) => fence.code.startsWith("npm install "))
      const pnpm = fences.find((fence) => fence.code.startsWith("pnpm add "))
      const npmLines = npm!.code.split("\n")
      const pnpmLines = pnpm!.code.split("\n")
      expect(npmLines.every((line) => line.startsWith("npm install "))).toBe(true)
      expect(pnpmLines.every((line) => line.startsWith("pnpm add "))).toBe(true)
      expect(pnpmLines.map((line) => [kindOf(line), packagesOf(line)])).toEqual(
        npmLines.map((line) => [kindOf(line), packagesOf(line)])
      )
      const all = npmLines.flatMap(packagesOf)
      expect(all).toEqual(expect.arrayContaining(["effect@3.22.4", "@effect/platform@0.97.2"]))
      expect(
        all.filter((word) => word.startsWith("effect") || word.startsWith("@effect/"))
          .every((word) => /@\d+\.\d+\.\d+$/.test(word))
      ).toBe(true)
    }
  })

  it("the README and the guide give one tsconfig.json, for ES modules on Node with Node's types", () => {
    const tsconfigs = ["docs/getting-started.md", "README.md"].flatMap((file) =>
      DocFences.parse(file, Fs.readFileSync(Path.join(root, file), "utf8"))
        .filter((fence) => fence.lang === "json" && fence.flags.includes("tsconfig"))
        .map((fence) => fence.code)
    )
    expect(tsconfigs).toHaveLength(2)
    expect(tsconfigs[1]).toBe(tsconfigs[0])
    // TypeScript 6 and later load no @types package unless `types` names it.
    expect(JSON.parse(tsconfigs[0]!)).toMatchObject({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", types: ["node"], strict: true }
    })
  })

  it.each(published)("%s: its README installs it with its peers, no more, at the versions the tests run", (name) => {
    const pkg = manifest(`packages/${name}`)
    const words = installFences(`packages/${name}/README.md`).flatMap((fence) => fence.code.split("\n"))
      .filter((line) => line.startsWith("npm ")).flatMap(packagesOf)
    const unversioned = (word: string) => word.replace(/(.)@.*$/, "$1")
    // Every required peer, and optional ones (a database driver) only as the user's choice.
    const optional = (peer: string) => pkg.peerDependenciesMeta?.[peer]?.optional === true
    const peers = Object.entries(pkg.peerDependencies ?? {})
    const required = peers.filter(([peer]) => !optional(peer)).map(([peer]) => peer)
    const installed = words.map(unversioned)
    expect(installed.filter((word) => !(optional(word) && word in (pkg.peerDependencies ?? {}))).sort())
      .toEqual([pkg.name, ...required].sort())
    for (const [peer, range] of peers) {
      if (optional(peer) && !installed.includes(peer)) continue
      if (range === "workspace:^") expect(words).toContain(peer)
      else expect(words).toContain(`${peer}@${range.slice(1)}`)
    }
  })
})

describe("the Effect 4 line (1.x)", () => {
  const v4 = ["graph-core", "waba", "emulator"] as const
  const rules = manifest("packages/graph-rules")

  it.each(v4)("%s: 1.x, with the metadata a registry page and npm need, and the 0.x package's repository", (name) => {
    const pkg = manifest(`v4/packages/${name}`)
    const v3 = manifest(`packages/${name}`)
    expect(pkg.name).toBe(v3.name)
    expect(pkg.version).toMatch(/^1\.\d+\.\d+$/)
    expect(pkg.private).toBeUndefined()
    expect(pkg.license).toBe("MIT")
    expect(pkg.repository).toEqual({ ...v3.repository, directory: `v4/packages/${name}` })
    expect(pkg.engines).toEqual({ node: ">=20" })
    expect(pkg.keywords).toContain("effect-4")
    expect(pkg.homepage).toBe(v3.homepage!.replace(`/packages/${name}#`, `/v4/packages/${name}#`))
    expect(pkg.bugs).toEqual(v3.bugs)
    expect(pkg.publishConfig).toEqual({ access: "public" })
    expect(Fs.readFileSync(Path.join(root, "v4", "packages", name, "LICENSE"), "utf8")).toBe(rootLicense)
    const readme = Fs.readFileSync(Path.join(root, "v4", "packages", name, "README.md"), "utf8")
    expect(readme.startsWith(`# @effect-waba/${name}\n`)).toBe(true)
    expect(readme).toContain("## Install")
    expect(readme).toContain("## Example")
  })

  it.each(v4)("%s: Effect 4 and the other 1.x libraries are peers; no Effect 3 package anywhere", (name) => {
    const pkg = manifest(`v4/packages/${name}`)
    const peers = pkg.peerDependencies ?? {}
    expect(peers.effect).toBe(`^${pkg.devDependencies?.effect}`)
    expect(pkg.devDependencies?.effect).toMatch(/^4\./)
    // The engine the emulator bundles, or whose declarations it copies, is no import at a user's (next test).
    for (const imported of importedPackages(name, "v4/packages")) {
      if (imported === "@effect-waba/emulator-engine") continue
      if (imported === "@effect-waba/graph-rules") {
        expect(pkg.dependencies?.[imported], `${name} depends on graph-rules 0.x`).toBe(`^${rules.version}`)
      } else {
        expect(peers[imported], `${name} imports ${imported}`).toBeDefined()
      }
    }
    for (const peer of Object.keys(peers)) {
      expect(peer === "effect" || peer.startsWith("@effect-waba/"), `${name}'s peer ${peer}`).toBe(true)
    }
    for (const [peer, range] of Object.entries(peers).filter(([peer]) => peer.startsWith("@effect-waba/"))) {
      expect(range, `${name}'s peer ${peer}`).toBe("workspace:^")
      expect(pkg.devDependencies?.[peer]).toBe("workspace:^")
    }
  })

  it("the emulator bundles its engine: the 0.x emulator is a devDependency its build bundles, not a dependency", () => {
    const emulator = manifest("v4/packages/emulator")
    expect(emulator.dependencies).toBeUndefined()
    expect(emulator.peerDependencies).toEqual({ "@effect-waba/graph-core": "workspace:^", effect: "^4.1.5" })
    expect(emulator.devDependencies?.["@effect-waba/emulator-engine"]).toBe("link:../../../packages/emulator")
    expect(emulator.scripts?.build).toContain("node scripts/bundle.mjs")
    expect([...importedPackages("emulator", "v4/packages", (file) => !file.endsWith("engine.ts"))]).toEqual([
      "@effect-waba/emulator-engine"
    ])
    // Elsewhere only the engine's plain types, whose declarations the build copies (scripts/bundle.mjs).
    const elsewhere = sourceFiles(Path.join(root, "v4", "packages", "emulator", "src"))
      .filter((file) => !file.endsWith("engine.ts"))
      .flatMap((file) => Fs.readFileSync(file, "utf8").split("\n").filter((line) => line.includes("emulator-engine")))
    expect(
      elsewhere.every((line) =>
        /^import type \* as \w+ from "@effect-waba\/emulator-engine\/(Faults|RequestLog)"$/.test(line)
      )
    )
      .toBe(true)
  })

  it("the README installs the 1.x packages with Effect 4 pinned, and each 1.x README its package with its peers", () => {
    const lines = (file: string) =>
      DocFences.parse(file, Fs.readFileSync(Path.join(root, file), "utf8"))
        .filter((fence) => fence.flags.includes("install") && DocFences.isEffect4(fence))
        .flatMap((fence) => fence.code.split("\n"))
    const words = (file: string) =>
      lines(file).flatMap((line) => line.trim().split(/\s+/).slice(2)).filter((word) => !word.startsWith("-"))
    // No workaround flag: the lines install as written (the packed-install check runs them).
    expect(lines("README.md").flatMap((line) => line.split(/\s+/).filter((word) => word.startsWith("-"))))
      .toEqual(["--save-dev"])
    expect(words("README.md")).toEqual(
      expect.arrayContaining(["@effect-waba/waba@1", "@effect-waba/graph-core@1", "@effect-waba/emulator@1"])
    )
    expect(words("README.md").filter((word) => /^(effect|@effect\/)/.test(word))).toEqual(["effect@4.1.5"])
    for (const name of v4) {
      const pkg = manifest(`v4/packages/${name}`)
      const installed = words(`v4/packages/${name}/README.md`)
      const wanted = [
        `${pkg.name}@1`,
        ...Object.entries(pkg.peerDependencies ?? {}).map(([peer, range]) =>
          range === "workspace:^" ? `${peer}@1` : `${peer}@${range.slice(1)}`
        )
      ]
      expect(installed, `v4/packages/${name}/README.md`).toEqual(expect.arrayContaining(wanted))
    }
  })
})
