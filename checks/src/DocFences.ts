/**
 * The fenced code blocks of the repository's Markdown, with where they are and what their info string says.
 *
 * Info strings are a language and optional flags: ```` ```ts ````, ```` ```ts partial ````,
 * ```` ```sh no-run ```` (a command the test suite cannot run: one that installs, or needs Meta),
 * ```` ```sh install ```` (an install line, run by the packed-install check with registry access),
 * ```` ```json tsconfig ```` (the `tsconfig.json` a user copies; the packed-install check compiles with it).
 * `effect-4` on a TypeScript or install fence says it is for the Effect 4 line (1.x, `v4/`): its snippet is
 * compiled against that line, and the packed-install check runs its lines in that line's project.
 * A `partial` TypeScript block gets the code it needs from a prelude, an HTML comment just above the fence,
 * which readers of the rendered page do not see:
 *
 * ````md
 * <!-- prelude
 * import { OwnedAccounts } from "@effect-waba/waba"
 * -->
 * ```ts partial
 * OwnedAccounts.stream("1234567890", { fields: ["name"] })
 * ```
 * ````
 *
 * @since 0.1.0
 */
import type { Nodes, Parent } from "mdast"
import { fromMarkdown } from "mdast-util-from-markdown"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The repository's root (this file is `checks/src/DocFences.ts`, or `checks/dist/DocFences.js` once built).
 *
 * @since 0.1.0
 * @category constants
 */
export const repositoryRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")

/**
 * @since 0.1.0
 * @category models
 */
export interface Prelude {
  /** The Markdown line of the prelude's first line of code. */
  readonly line: number
  readonly code: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Fence {
  /** Repository-relative path of the Markdown file, with `/` separators. */
  readonly file: string
  /** 1-based line of the opening fence; the code starts on the next line. */
  readonly line: number
  readonly lang: string | undefined
  readonly flags: ReadonlyArray<string>
  readonly code: string
  readonly prelude: Prelude | undefined
}

/**
 * The languages a fence may declare, by what the checks do with them.
 *
 * @since 0.1.0
 * @category constants
 */
export const languages = {
  typescript: ["ts", "typescript"],
  shell: ["sh", "bash"],
  other: ["text", "json", "md"]
} as const

/**
 * The flags each kind of fence accepts.
 *
 * @since 0.1.0
 * @category constants
 */
export const flagsByLanguage: Readonly<Record<string, ReadonlyArray<string>>> = {
  ts: ["partial", "effect-4"],
  typescript: ["partial", "effect-4"],
  sh: ["no-run", "install", "effect-4"],
  bash: ["no-run", "install", "effect-4"],
  json: ["tsconfig"]
}

/**
 * The Markdown files whose snippets are checked: the README, every page under `docs/` and every package's
 * README, of both lines.
 *
 * @since 0.1.0
 * @category constructors
 */
export const documentationFiles = (root: string = repositoryRoot): ReadonlyArray<string> => {
  const inDir = (dir: string, pick: (name: string) => boolean) =>
    Fs.existsSync(Path.join(root, dir))
      ? Fs.readdirSync(Path.join(root, dir)).filter(pick).sort().map((name) => `${dir}/${name}`)
      : []
  return [
    "README.md",
    ...inDir("docs", (name) => name.endsWith(".md")),
    ...["packages", "v4/packages"].flatMap((dir) =>
      inDir(dir, (name) => Fs.existsSync(Path.join(root, dir, name, "README.md"))).map((path) => `${path}/README.md`)
    )
  ]
}

const preludePattern = /^<!--[ \t]*prelude[ \t]*\n([\s\S]*?)\n?-->$/

/**
 * The fences of one Markdown text, in document order, nested ones (in lists, quotes) included.
 *
 * @since 0.1.0
 * @category constructors
 */
export const parse = (file: string, markdown: string): ReadonlyArray<Fence> => {
  const fences: Array<Fence> = []
  const visit = (parent: Parent) => {
    parent.children.forEach((node: Nodes, index) => {
      if (node.type === "code") {
        const previous = index > 0 ? parent.children[index - 1] : undefined
        const match = previous?.type === "html" ? preludePattern.exec(previous.value) : null
        const [lang, ...flags] = [node.lang ?? undefined, ...(node.meta ?? "").split(/\s+/).filter((f) => f !== "")]
        fences.push({
          file,
          line: node.position?.start.line ?? 0,
          lang,
          flags,
          code: node.value,
          prelude: match && previous?.position ? { line: previous.position.start.line + 1, code: match[1]! } : undefined
        })
      } else if ("children" in node) {
        visit(node)
      }
    })
  }
  visit(fromMarkdown(markdown))
  return fences
}

/**
 * Every fence of the {@link documentationFiles}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const all = (root: string = repositoryRoot): ReadonlyArray<Fence> =>
  documentationFiles(root).flatMap((file) => parse(file, Fs.readFileSync(Path.join(root, file), "utf8")))

/**
 * Whether a fence is for the Effect 4 line (its `effect-4` flag).
 *
 * @since 0.1.0
 * @category filters
 */
export const isEffect4 = (fence: Fence): boolean => fence.flags.includes("effect-4")

/**
 * Where a fence is, as editors and terminals link it: `docs/waba.md:10`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const where = (fence: Fence): string => `${fence.file}:${fence.line}`

/**
 * What is wrong with a fence's info string: no language, an unknown one, an unknown flag, or a prelude and
 * the `partial` flag without each other. Empty when nothing is.
 *
 * @since 0.1.0
 * @category validation
 */
export const infoProblems = (fence: Fence): ReadonlyArray<string> => {
  const known: ReadonlyArray<string> = Object.values(languages).flat()
  if (fence.lang === undefined) {
    return [`${where(fence)}: a fence without a language; say what it holds (${known.join(", ")})`]
  }
  if (!known.includes(fence.lang)) {
    return [`${where(fence)}: unknown fence language "${fence.lang}"; use one of ${known.join(", ")}`]
  }
  const allowed = flagsByLanguage[fence.lang] ?? []
  const problems = fence.flags.filter((flag) => !allowed.includes(flag)).map((flag) =>
    `${where(fence)}: unknown flag "${flag}" on a ${fence.lang} fence` +
    (allowed.length > 0 ? ` (known: ${allowed.join(", ")})` : " (it takes none)")
  )
  const partial = fence.flags.includes("partial")
  if (partial && fence.prelude === undefined) {
    problems.push(
      `${where(fence)}: marked partial without a prelude; put what it needs in a "<!-- prelude ... -->" comment ` +
        "just above the fence, or drop the flag if it compiles alone"
    )
  }
  if (!partial && fence.prelude !== undefined) {
    problems.push(`${where(fence)}: has a prelude but is not marked partial; write \`\`\`${fence.lang} partial`)
  }
  return problems
}
