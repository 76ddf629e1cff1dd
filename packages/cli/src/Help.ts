/**
 * `waba --help` and each command's help, in the manner of `gh`: what the command does, a usage line that
 * starts with `waba`, its arguments and flags one to a line with what each value is, its default and the
 * environment variables that stand in for it, a few examples, and where the guide is online.
 *
 * Rendered from the declarations in `CommandLine` rather than by @effect/cli, whose help lists its own
 * built-in options (wizard, completions) with every command, writes the usage as `$ accounts`, shows a
 * repeatable option as if it were required, and says "A user-defined piece of text" of every text option.
 * @effect/cli still parses the command line; its built-ins keep working, unlisted (docs/cli.md names them).
 */
import * as CommandLine from "./CommandLine.js"

/** How to lay the text out: the width to wrap at, and headings bold on a terminal that takes colour. */
export interface Style {
  readonly width: number
  readonly colors: boolean
}

// Words laid out in lines of at most `width` characters (a longer word gets a line of its own).
const wrap = (text: string, width: number): ReadonlyArray<string> => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(/\s+/).filter((word) => word !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === "" ? word : `${line} ${word}`
    }
  }
  return line === "" ? lines : [...lines, line]
}

// The widest left column a two-column list lines its texts up after; a longer entry has its text below it.
const maxLeft = 30

// Two columns, indented by two: names on the left, wrapped texts on the right.
const columns = (rows: ReadonlyArray<readonly [string, string]>, width: number): ReadonlyArray<string> => {
  const left = Math.max(0, ...rows.map(([name]) => name.length).filter((length) => length <= maxLeft)) + 2
  const textWidth = Math.max(30, width - 2 - left)
  return rows.flatMap(([name, text]) => {
    const lines = wrap(text, textWidth)
    const pad = " ".repeat(2 + left)
    if (name.length > maxLeft) return [`  ${name}`, ...lines.map((line) => `${pad}${line}`)]
    return lines.map((line, i) => i === 0 ? `  ${name.padEnd(left)}${line}` : `${pad}${line}`)
  })
}

// `(env: GRAPH_BASE_URL; default: https://graph.facebook.com)`, or nothing.
const notes = (doc: CommandLine.Doc): string => {
  const parts = [
    ...(doc.env === undefined ? [] : [`env: ${doc.env.join(", ")}`]),
    ...(doc.default === undefined ? [] : [`default: ${doc.default}`])
  ]
  return parts.length === 0 ? "" : ` (${parts.join("; ")})`
}

const flagRow = (doc: CommandLine.Doc): readonly [string, string] => [
  doc.value === undefined ? doc.name : `${doc.name} ${doc.value}`,
  `${doc.text}${notes(doc)}`
]

// `[<business-id>...]`, `<id>`: brackets for what may be left out.
const argumentUsage = (doc: CommandLine.Doc) => {
  const shown = `${doc.name}${doc.repeatable === true ? "..." : ""}`
  return doc.optional === true ? `[${shown}]` : shown
}

const commandPath = (command: CommandLine.Declaration) =>
  `${CommandLine.program.name} ${command.parent === undefined ? "" : `${command.parent} `}${command.name}`

// Flags every command takes from @effect/cli and waba keeps listing: help itself, and the client's log.
const inherited: ReadonlyArray<readonly [string, string]> = [
  ["--help", "Show help for the command"],
  [
    "--log-level LEVEL",
    "Print log messages at this level and above on stderr: all, trace, debug, info, warning, error, fatal or " +
    "none (default: warning)"
  ]
]

const learnMore = (path: string): ReadonlyArray<string> => [
  `Use \`${path} --help\` for more about a command.`,
  "The guide, with every option, the filter syntax and the exit codes:",
  CommandLine.program.manual
]

// A heading and its lines; a section without lines is left out.
type Section = readonly [title: string, lines: ReadonlyArray<string>]

const render = (intro: string, sections: ReadonlyArray<Section>, style: Style): string => {
  const heading = (title: string) => style.colors ? `\x1b[1m${title}\x1b[0m` : title
  return [
    ...wrap(intro, style.width),
    ...sections.flatMap(([title, lines]) => lines.length === 0 ? [] : ["", heading(title), ...lines])
  ].join("\n") + "\n"
}

const examples = (command: CommandLine.Declaration): ReadonlyArray<string> =>
  command.examples.flatMap(([line, does]) => [`  # ${does}`, `  $ ${line}`])

const commandHelp = (command: CommandLine.Declaration, style: Style): string => {
  const declared = Object.values(command.options).flatMap((option) => {
    const doc = CommandLine.docOf(option)
    return doc === undefined ? [] : [{ doc, connection: CommandLine.connectionFlags.has(option) }]
  })
  const args = declared.filter(({ doc }) => doc.name.startsWith("<")).map(({ doc }) => doc)
  const flags = (connection: boolean) =>
    columns(
      declared.filter((flag) => flag.doc.name.startsWith("--") && flag.connection === connection).map(({ doc }) =>
        flagRow(doc)
      ),
      style.width
    )
  return render(command.description, [
    ["USAGE", [`  ${[commandPath(command), ...args.map(argumentUsage), "[flags]"].join(" ")}`]],
    [
      "ARGUMENTS",
      columns(args.map((doc) => [`${doc.name}${doc.repeatable === true ? "..." : ""}`, doc.text]), style.width)
    ],
    ["FLAGS", flags(false)],
    ["CONNECTION FLAGS", flags(true)],
    ["INHERITED FLAGS", columns(inherited, style.width)],
    ["EXAMPLES", examples(command)],
    ["LEARN MORE", [`  ${CommandLine.program.manual}`]]
  ], style)
}

const listed = (commands: ReadonlyArray<CommandLine.Declaration>, style: Style, group?: string) =>
  columns(
    commands.map((command) => [
      group === undefined ? `${command.parent === undefined ? "" : `${command.parent} `}${command.name}` : command.name,
      command.summary
    ]),
    style.width
  )

const programHelp = (style: Style): string =>
  render(CommandLine.program.description, [
    ["USAGE", [`  ${CommandLine.program.name} <command> [flags]`]],
    ["COMMANDS", listed(CommandLine.commands, style)],
    ["FLAGS", columns([["--help", "Show help"], ["--version", "Show waba's version"]], style.width)],
    ["EXAMPLES", [
      "  # without a token (GRAPH_ACCESS_TOKEN), a demo from an embedded emulator",
      "  $ waba accounts --max 5",
      "  # with GRAPH_ACCESS_TOKEN set: a business's accounts from Meta, as JSON lines",
      "  $ waba accounts 1234567890 --format jsonl"
    ]],
    ["LEARN MORE", learnMore("waba <command>").map((line) => `  ${line}`)]
  ], style)

const groupHelp = (group: CommandLine.Group, style: Style): string =>
  render(`${group.summary}.`, [
    ["USAGE", [`  ${CommandLine.program.name} ${group.name} <command> [flags]`]],
    ["COMMANDS", listed(CommandLine.commands.filter((command) => command.parent === group.name), style, group.name)],
    ["LEARN MORE", learnMore(`waba ${group.name} <command>`).map((line) => `  ${line}`)]
  ], style)

// Flags @effect/cli takes before the command name, with the value that follows them.
const globalWithValue = new Set(["--log-level", "--completions"])

/**
 * The help a command line (after `waba`) asks for, as text ending with a newline, if it asks for help:
 * `--help` or `-h` anywhere, or a group alone (`waba tokens`), which names no command. `undefined` for
 * anything else.
 */
export const of = (args: ReadonlyArray<string>): ((style: Style) => string) | undefined => {
  const words = args.filter((arg, i) => !arg.startsWith("-") && !(i > 0 && globalWithValue.has(args[i - 1]!)))
  const asked = args.includes("--help") || args.includes("-h")
  const group = CommandLine.groups.find((candidate) => candidate.name === words[0])
  const command = CommandLine.commands.find((candidate) =>
    group === undefined
      ? candidate.parent === undefined && candidate.name === words[0]
      : candidate.parent === group.name && candidate.name === words[1]
  )
  if (group !== undefined && command === undefined) {
    return words[1] === undefined ? (style) => groupHelp(group, style) : undefined
  }
  if (!asked) return undefined
  return command === undefined ? programHelp : (style) => commandHelp(command, style)
}
