/**
 * Text on a terminal: made safe, measured and cut.
 *
 * Account names, Graph's error messages and every other string the server chooses can hold control
 * characters: an escape sequence that clears the screen or retitles the window, a carriage return that hides
 * what came before it, a bidirectional override that reverses how a line reads. {@link neutralise} shows each
 * as a visible stand-in that does nothing. Widths are display widths by `string-width`, so that a CJK
 * character or an emoji takes two columns and a combining accent none, and cuts never split a character.
 */
import stringWidth from "string-width"

// C0 controls (tab, newline and carriage return included), DEL, the C1 controls (8-bit CSI and friends),
// and the Unicode bidirectional controls that reorder how a terminal draws a line.
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

// U+2400 CONTROL PICTURES has a glyph for each C0 control, U+2421 for DEL; the rest get U+FFFD.
const standIn = (character: string): string => {
  const code = character.charCodeAt(0)
  return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? "\u2421" : "\ufffd"
}

/**
 * The text with every control character and bidirectional control replaced by a visible, inert stand-in:
 * `␛` for ESC, `␊` for a newline, `␉` for a tab, `�` for C1 and bidirectional controls.
 */
export const neutralise = (text: string): string => text.replace(unsafe, standIn)

// Most of what a table holds is printable ASCII, one column per character: string-width (whose start costs)
// is not even loaded for it.
const printableAscii = /^[\x20-\x7e]*$/

/** How many terminal columns the text takes. */
export const width = (text: string): number => printableAscii.test(text) ? text.length : stringWidth(text)

// Made on first use: a listing seldom holds text that needs it.
let segmenter: Intl.Segmenter | undefined

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
