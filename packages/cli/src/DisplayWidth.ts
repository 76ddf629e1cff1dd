/**
 * How wide text is on a terminal: display widths by `string-width`, so that a CJK character or an emoji
 * takes two columns and a combining accent none, and cuts that never split a character.
 */
import stringWidth from "string-width"

// Most of what a table holds is printable ASCII, one column per character: no graphemes to find.
const printableAscii = /^[\x20-\x7e]*$/

// Made on first use: a listing seldom holds text that needs it.
let segmenter: Intl.Segmenter | undefined

/** How many terminal columns the text takes. */
export const width = (text: string): number => printableAscii.test(text) ? text.length : stringWidth(text)

/**
 * The text cut to at most `max` columns, the cut marked with `…`. Never splits a character (a flag, an
 * emoji with its modifiers, a letter with its accents), and looks at no more of the text than it keeps.
 */
export const truncate = (text: string, max: number): string => {
  // No character is wider than two columns, nor shorter than one code unit.
  if (text.length * 2 <= max) return text
  if (printableAscii.test(text)) return text.length <= max ? text : max <= 0 ? "" : `${text.slice(0, max - 1)}…`
  let kept = ""
  let used = 0
  for (const { segment } of (segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })).segment(text)) {
    used += width(segment)
    if (used > max) return max <= 0 ? "" : `${kept}…`
    if (used <= max - 1) kept += segment
  }
  return text
}

/** The text padded with spaces to `columns` columns (unchanged when it is already as wide). */
export const pad = (text: string, columns: number): string => text + " ".repeat(Math.max(0, columns - width(text)))
