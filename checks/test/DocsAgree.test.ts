/**
 * What the documentation says about versions agrees with the code: every Graph API version it names is the
 * one the client asks for by default, and no `@since` tag names a release later than its package's version.
 */
import { GraphConfig } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as DocFences from "../src/DocFences.js"

const root = DocFences.repositoryRoot
// Both lines: the Effect 3 packages, and the Effect 4 line's in v4/packages.
const packages = ["packages", "v4/packages"].flatMap((dir) =>
  Fs.readdirSync(Path.join(root, dir)).map((name) => `${dir}/${name}`)
).filter((dir) => Fs.existsSync(Path.join(root, dir, "package.json")))

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  Fs.existsSync(dir)
    ? Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? sourceFiles(Path.join(dir, entry.name))
        : entry.name.endsWith(".ts")
        ? [Path.join(dir, entry.name)]
        : []
    )
    : []

const relative = (file: string) => Path.relative(root, file).split(Path.sep).join("/")

// What a user reads: the pages, the packages' READMEs, and the packages' sources (JSDoc, messages, help).
const userFacing = [
  ...DocFences.documentationFiles(root).map((file) => Path.join(root, file)),
  ...packages.flatMap((dir) => sourceFiles(Path.join(root, dir, "src"))),
  ...sourceFiles(Path.join(root, "examples", "src"))
]

describe("the documentation agrees with the code", () => {
  it(`names one Graph API version, the client's default (${GraphConfig.defaultApiVersion})`, () => {
    const others = userFacing.flatMap((file) =>
      Fs.readFileSync(file, "utf8").split("\n").flatMap((line, index) =>
        // vNN.N standing alone: a file name such as meta-openapi-…_v23.0.yaml is the spec's own name.
        [...line.matchAll(/\bv\d{2}\.\d\b/g)].map((match) => match[0])
          .filter((version) => version !== GraphConfig.defaultApiVersion)
          .map((version) => `${relative(file)}:${index + 1}: ${version}`)
      )
    )
    expect(others).toEqual([])
  })

  it("no @since tag names a release after its package's version", () => {
    const later = (since: string, version: string) => {
      const [a, b] = [since, version].map((text) => text.split(".").map(Number))
      const index = a!.findIndex((part, i) => part !== b![i])
      return index >= 0 && a![index]! > b![index]!
    }
    const wrong = packages.flatMap((dir) => {
      const { version } = JSON.parse(Fs.readFileSync(Path.join(root, dir, "package.json"), "utf8")) as {
        readonly version: string
      }
      return sourceFiles(Path.join(root, dir, "src"))
        .flatMap((file) =>
          [...Fs.readFileSync(file, "utf8").matchAll(/@since (\d+\.\d+\.\d+)/g)]
            .filter((match) => later(match[1]!, version))
            .map((match) => `${relative(file)}: @since ${match[1]} in a ${version} package`)
        )
    })
    expect(wrong).toEqual([])
  })
})
