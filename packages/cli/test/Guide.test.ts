/**
 * docs/cli.md, the CLI's guide, against the command declarations it describes: each command's option table
 * (or its prose) names every option the command takes and no other, with the default the code applies; the
 * `--fields` lists are the fields the CLI accepts, in the same order; the environment variables the options
 * read are in the table of variables. A new option or field fails here until the guide says it.
 */
import * as PhoneNumber from "@effect-waba/waba/PhoneNumber"
import * as WhatsAppBusinessAccount from "@effect-waba/waba/WhatsAppBusinessAccount"
import * as Options from "@effect/cli/Options"
import { describe, expect, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as CommandLine from "../src/CommandLine.js"
import * as Guide from "../src/Guide.js"

const guide = Fs.readFileSync(
  Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../../docs/cli.md"),
  "utf8"
)

/**
 * The text from the heading `heading` (or that starts with it and a space or a backtick: `` ## `waba account``
 * for `` ## `waba account [waba-id]` ``) to the next heading of its level or above.
 */
const section = (heading: string): string => {
  const start = guide.search(new RegExp(`\n${heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:[\` ]|\n)`))
  expect(start, `docs/cli.md has a heading ${heading}`).toBeGreaterThanOrEqual(0)
  const level = heading.slice(0, heading.indexOf(" ") + 1)
  const rest = guide.slice(start + 1)
  const ends = [...rest.matchAll(/\n(#+) /g)].filter((match) => match[1]!.length <= level.trim().length)
  return rest.slice(0, ends[0]?.index ?? rest.length)
}

/** The rows of the option tables in `text`, by the option each starts with. */
const tableRows = (text: string): ReadonlyMap<string, string> =>
  new Map(
    text.split("\n").flatMap((line) => {
      const option = /^\| `(--[a-z-]+)/.exec(line)?.[1]
      return option === undefined ? [] : [[option, line] as const]
    })
  )

/** Every option `text` names (`--limit N`), but in links (`#resuming-a-long-run---done-file`). */
const named = (text: string): ReadonlySet<string> =>
  new Set([...text.matchAll(/(?<![\w#-])(--[a-z][a-z-]*)/g)].map((match) => match[1]!))

const optionsOf = (command: CommandLine.Declaration): ReadonlyArray<{ name: string; declared: unknown }> =>
  Object.values(command.options).flatMap((declared) =>
    Options.isOptions(declared)
      ? Option.toArray(Options.getIdentifier(declared)).map((name) => ({ name, declared }))
      : []
  )

// Options that no command declares: @effect/cli's that waba documents (the log level, help, the version,
// completions), and Node's own `--snapshot-blob`, which the notes on start time mention.
const builtIns = ["--log-level", "--help", "--version", "--completions", "--snapshot-blob"]

const connection = new Set(
  Object.values(CommandLine.connection).flatMap((declared: unknown) =>
    Options.isOptions(declared) ? Option.toArray(Options.getIdentifier(declared)) : []
  )
)

/** The backticked names in `list` (`` `id`, `name` ``), in order. */
const codeWords = (list: string) => [...list.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!)

describe("docs/cli.md agrees with the commands", () => {
  it.each([
    [CommandLine.accounts, "### Options"],
    [CommandLine.emulator, "## `waba emulator`"]
  ])("%# the option table of waba $name lists every option it takes, with its default", (command, heading) => {
    const rows = tableRows(section(heading))
    const taken = optionsOf(command)
    expect([...rows.keys()].sort()).toEqual(
      [...taken.map(({ name }) => name), ...(command === CommandLine.accounts ? ["--log-level"] : [])].sort()
    )
    for (const { declared, name } of taken) {
      const otherwise = CommandLine.docOf(declared)?.default
      if (otherwise !== undefined) expect(rows.get(name), `${name}'s default`).toContain(otherwise)
    }
  })

  it.each<CommandLine.Declaration>([
    CommandLine.phoneNumbers,
    CommandLine.account,
    CommandLine.tokensCheck,
    CommandLine.sync,
    CommandLine.inventoryAccounts,
    CommandLine.inventoryPhoneNumbers,
    CommandLine.changes,
    CommandLine.webhooksServe
  ])(
    "the section of waba $name names every option it takes",
    (command) => {
      const text = section(`## \`waba ${command.parent === undefined ? "" : `${command.parent} `}${command.name}`)
      const mentioned = named(text)
      const connectionToo = /the\s+connection\s+options/.test(text)
      for (const { name } of optionsOf(command)) {
        expect(mentioned.has(name) || connectionToo && connection.has(name), `${command.name} ${name}`).toBe(true)
      }
    }
  )

  it("every option the guide names is one a command takes, or @effect/cli's", () => {
    const taken = new Set([...CommandLine.commands.flatMap((command) => optionsOf(command)).map(({ name }) => name)])
    expect([...named(guide)].filter((name) => !taken.has(name) && !builtIns.includes(name))).toEqual([])
  })

  it("the commands at the top are the commands there are", () => {
    const overview = guide.slice(guide.indexOf("```text\n") + 8, guide.indexOf("```\n", guide.indexOf("```text\n")))
    const listed = overview.split("\n").flatMap((line) => /^waba ([a-z][a-z -]*?) (?:\[|--)/.exec(line)?.[1] ?? [])
    expect(listed.sort()).toEqual(
      CommandLine.commands.map((c) => `${c.parent === undefined ? "" : `${c.parent} `}${c.name}`).sort()
    )
  })

  it("waba accounts --fields lists every account field the CLI accepts, and Graph's default ones", () => {
    const row = tableRows(section("### Options")).get("--fields")!
    const [, accepted, defaults] = /any of (.*?)\. .*Default: Graph's default fields \((.*?)\)/.exec(row) ?? []
    expect(codeWords(accepted ?? "")).toEqual(WhatsAppBusinessAccount.fields)
    expect(codeWords(defaults ?? "")).toEqual(WhatsAppBusinessAccount.defaultFields)
  })

  it("waba phone-numbers --fields lists every phone number field the CLI accepts", () => {
    const text = section("## `waba phone-numbers")
    const [, accepted] = /`--fields` \(any of (.*?); default: Graph's\)/s.exec(text) ?? []
    expect(codeWords(accepted ?? "")).toEqual(PhoneNumber.fields)
  })

  it("each variable an option reads is in the table of environment variables", () => {
    const table = section("### Environment variables")
    const variables = CommandLine.commands.flatMap((command) =>
      Object.values(command.options).flatMap((declared) => CommandLine.docOf(declared)?.env ?? [])
    )
    expect(variables.length).toBeGreaterThan(0)
    for (const variable of new Set(variables)) expect(table, variable).toContain(`\`${variable}\``)
  })

  it("the sections that help and errors link to are there", () => {
    // GitHub's anchor of a heading: lower case, punctuation dropped, each space a hyphen.
    const anchors = guide.split("\n").flatMap((line) => {
      const heading = /^#+ (.*)$/.exec(line)?.[1]
      return heading === undefined ? [] : [heading.toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-")]
    })
    expect(CommandLine.program.manual).toBe(Guide.url)
    expect(Guide.url).toBe("https://github.com/effect-waba/effect-waba/blob/main/docs/cli.md")
    expect(Guide.tokensFile.startsWith(`${Guide.url}#`)).toBe(true)
    expect(anchors).toContain(Guide.tokensFile.slice(Guide.url.length + 1))
  })
})
