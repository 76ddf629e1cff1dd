/**
 * The files the documentation points at: relative links, and repository paths written as inline code
 * (`packages/cli/test/Cli.test.ts`). A reader who follows one must find the file.
 *
 * @since 0.1.0
 */
import type { Nodes, Parent } from "mdast"
import { fromMarkdown } from "mdast-util-from-markdown"
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as DocFences from "./DocFences.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Reference {
  readonly file: string
  readonly line: number
  readonly target: string
  readonly kind: "link" | "path"
}

// A path someone would look for in a checkout: segments with a file extension at the end, no globs or
// placeholders. Build output (`dist/`) is left out: it exists only after a build.
const pathLike = /^(?:\.{1,2}\/)*[\w@.-]+(?:\/[\w@.-]+)+\.(?:ts|md|json|mjs|js|yaml|yml|sh)$/
const isExternal = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("#")

/**
 * The references of one Markdown text.
 *
 * @since 0.1.0
 * @category constructors
 */
export const references = (file: string, markdown: string): ReadonlyArray<Reference> => {
  const found: Array<Reference> = []
  const visit = (node: Nodes) => {
    const line = node.position?.start.line ?? 0
    if (node.type === "link" && !isExternal(node.url)) {
      found.push({ file, line, target: decodeURI(node.url.replace(/#.*$/, "")), kind: "link" })
    } else if (node.type === "inlineCode" && pathLike.test(node.value) && !/(^|\/)dist\//.test(node.value)) {
      found.push({ file, line, target: node.value, kind: "path" })
    }
    if ("children" in node) (node as Parent).children.forEach(visit)
  }
  visit(fromMarkdown(markdown))
  return found
}

// Output the repository ignores (`bench/.results/…`, `dist/…`) is made by a command, not kept in git.
const isIgnored = (root: string, target: string) =>
  spawnSync("git", ["check-ignore", "-q", "--no-index", target], { cwd: root }).status === 0

/**
 * The references that lead nowhere, as `file:line message` lines. A link resolves against its page's
 * folder, as Markdown does; a path in inline code against the page's folder or the repository's root.
 *
 * @since 0.1.0
 * @category checks
 */
export const broken = (root: string = DocFences.repositoryRoot): ReadonlyArray<string> =>
  DocFences.documentationFiles(root).flatMap((file) =>
    references(file, Fs.readFileSync(Path.join(root, file), "utf8")).flatMap((reference) => {
      const candidates = reference.kind === "link"
        ? [Path.join(root, Path.dirname(file), reference.target)]
        : [Path.join(root, Path.dirname(file), reference.target), Path.join(root, reference.target)]
      return candidates.some((candidate) => Fs.existsSync(candidate)) ||
          isIgnored(root, Path.relative(root, candidates.at(-1)!))
        ? []
        : [
          `${reference.file}:${reference.line} ${reference.kind === "link" ? "links to" : "cites"} ` +
          `${reference.target}, which is not in this repository`
        ]
    })
  )
