/**
 * Type-checks the documentation's TypeScript snippets as one TypeScript program per Effect line: every
 * snippet is a module of its own, compiled with the repository's compiler options (strict,
 * `exactOptionalPropertyTypes`, NodeNext) against the workspace packages of its line (those of `v4/` for a
 * fence marked `effect-4`), and every problem is reported at its Markdown file and line.
 *
 * @since 0.1.0
 */
import * as Path from "node:path"
import ts from "typescript"
import * as DocFences from "./DocFences.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Problem {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly message: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly root?: string | undefined
  /**
   * Resolve the workspace packages to their sources (`@effect-waba/source` condition) rather than to the
   * built declarations in `dist/`. Default true: no build needed, and never a stale `dist/`.
   */
  readonly sources?: boolean | undefined
}

/**
 * A line that the documentation says does not compile ends with this comment; the checker then requires an
 * error on that line, and reports it if there is none.
 *
 * @since 0.1.0
 * @category constants
 */
export const doesNotCompile = /\/\/\s*does not compile\b/

const isTypeScript = (fence: DocFences.Fence) =>
  fence.lang !== undefined && (DocFences.languages.typescript as ReadonlyArray<string>).includes(fence.lang)

/**
 * The fences the checker compiles.
 *
 * @since 0.1.0
 * @category filters
 */
export const typeScriptFences = (fences: ReadonlyArray<DocFences.Fence>): ReadonlyArray<DocFences.Fence> =>
  fences.filter(isTypeScript)

/**
 * The compiler options: the repository's `tsconfig.base.json` (strict, `exactOptionalPropertyTypes`,
 * `noUncheckedIndexedAccess`, NodeNext), with Node's types, and without `noUnusedLocals`, since a snippet
 * shows a value without using it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const compilerOptions = (root: string, sources: boolean): ts.CompilerOptions => {
  const file = Path.join(root, "tsconfig.base.json")
  const read = ts.readConfigFile(file, ts.sys.readFile)
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"))
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, file)
  return {
    ...parsed.options,
    types: ["node"],
    customConditions: sources ? parsed.options.customConditions ?? [] : [],
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    incremental: false,
    composite: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false
  }
}

interface Unit {
  readonly fence: DocFences.Fence
  readonly path: string
  readonly text: string
  readonly preludeLines: number
}

// The snippets live, for the compiler only, in `checks/.snippets/`: the nearest package.json is the checks
// package's (an ES module, so NodeNext treats them as ESM), and its node_modules holds every workspace package.
// Those of the Effect 4 line live in the 1.x emulator's folder, whose node_modules holds that line's packages
// and Effect 4 (and which resolves `@effect-waba/emulator` to itself).
const home = (fence: DocFences.Fence) => DocFences.isEffect4(fence) ? ["v4", "packages", "emulator"] : ["checks"]

const unitOf = (root: string) => (fence: DocFences.Fence, index: number): Unit => {
  const slug = fence.file.replace(/[^A-Za-z0-9]+/g, "_")
  const prelude = fence.prelude === undefined ? "" : `${fence.prelude.code}\n`
  return {
    fence,
    path: Path.join(root, ...home(fence), ".snippets", `${String(index).padStart(3, "0")}_${slug}_L${fence.line}.ts`),
    text: prelude + fence.code + "\n",
    preludeLines: fence.prelude === undefined ? 0 : prelude.split("\n").length - 1
  }
}

const markdownLine = (unit: Unit, line0: number) =>
  line0 < unit.preludeLines
    ? unit.fence.prelude!.line + line0
    : unit.fence.line + 1 + line0 - unit.preludeLines

const hint = (unit: Unit, diagnostic: ts.Diagnostic) => {
  // "Cannot find name" and friends: the usual sign of a snippet that leans on another one.
  const missingName = [2304, 2552, 18004, 2339].includes(diagnostic.code)
  return missingName && !unit.fence.flags.includes("partial")
    ? " (if the snippet is deliberately partial, mark its fence `ts partial` and declare what it needs in a" +
      " \"<!-- prelude ... -->\" comment just above it)"
    : ""
}

/**
 * Compiles every TypeScript fence and returns the problems, each at its Markdown file and line; empty when
 * all compile. Lines marked {@link doesNotCompile} must fail, and do not count as problems when they do.
 *
 * @since 0.1.0
 * @category checks
 */
export const typeCheck = (fences: ReadonlyArray<DocFences.Fence>, options: Options = {}): ReadonlyArray<Problem> => {
  const root = options.root ?? DocFences.repositoryRoot
  const units = typeScriptFences(fences).map(unitOf(root))
  const compiler = compilerOptions(root, options.sources ?? true)
  // One program per line: the two lines' packages have the same names.
  const programs = [false, true].map((effect4) => {
    const byPath = new Map(
      units.filter((unit) => DocFences.isEffect4(unit.fence) === effect4).map((unit) => [unit.path, unit])
    )
    const host = ts.createCompilerHost(compiler, true)
    const { fileExists, getSourceFile, readFile } = host
    host.fileExists = (file) => byPath.has(file) || fileExists.call(host, file)
    host.readFile = (file) => byPath.get(file)?.text ?? readFile.call(host, file)
    host.getSourceFile = (file, language, onError, shouldCreate) => {
      const unit = byPath.get(file)
      return unit === undefined
        ? getSourceFile.call(host, file, language, onError, shouldCreate)
        : ts.createSourceFile(file, unit.text, language, true)
    }
    return byPath.size === 0 ? undefined : ts.createProgram({ rootNames: [...byPath.keys()], options: compiler, host })
  })

  const problems: Array<Problem> = []
  for (const unit of units) {
    const program = programs[DocFences.isEffect4(unit.fence) ? 1 : 0]!
    const source = program.getSourceFile(unit.path)!
    const lines = unit.text.split("\n")
    const expectedToFail = new Set(
      lines.flatMap((text, line0) => doesNotCompile.test(text) && line0 >= unit.preludeLines ? [line0] : [])
    )
    const failed = new Set<number>()
    for (const diagnostic of ts.getPreEmitDiagnostics(program, source)) {
      const start = diagnostic.file === source && diagnostic.start !== undefined
        ? source.getLineAndCharacterOfPosition(diagnostic.start)
        : { line: 0, character: 0 }
      if (expectedToFail.has(start.line)) {
        failed.add(start.line)
        continue
      }
      problems.push({
        file: unit.fence.file,
        line: markdownLine(unit, start.line),
        column: start.character + 1,
        message: `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}` +
          hint(unit, diagnostic)
      })
    }
    for (const line0 of expectedToFail) {
      if (!failed.has(line0)) {
        problems.push({
          file: unit.fence.file,
          line: markdownLine(unit, line0),
          column: 1,
          message: "the documentation says this line does not compile, but it does"
        })
      }
    }
  }
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
}

/**
 * One problem per line, `file:line:column message`, as editors and terminals link them.
 *
 * @since 0.1.0
 * @category formatting
 */
export const format = (problems: ReadonlyArray<Problem>): string =>
  problems.map((problem) => `${problem.file}:${problem.line}:${problem.column} ${problem.message}`).join("\n")
