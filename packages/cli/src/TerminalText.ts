/**
 * Text from a server, made safe for a terminal.
 *
 * Account names, Graph's error messages and every other string the server chooses can hold control
 * characters: an escape sequence that clears the screen, retitles the window or rewrites a line already
 * shown, a carriage return that hides what came before it, a bidirectional override that reverses how a
 * line reads. {@link neutralise} turns each of them into a visible stand-in, so the text shows what was
 * sent and does nothing to the terminal.
 *
 * @since 0.2.0
 */

// C0 controls (tab, newline and carriage return included), DEL, the C1 controls (8-bit CSI and friends),
// and the Unicode bidirectional controls that reorder how a terminal draws a line.
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

const standIn = (character: string): string => {
  const code = character.charCodeAt(0)
  // U+2400 CONTROL PICTURES has a glyph for each C0 control; U+2421 is DEL's.
  if (code < 0x20) return String.fromCharCode(0x2400 + code)
  if (code === 0x7f) return "\u2421"
  return "\ufffd"
}

/**
 * The text with every control character and bidirectional control replaced by a visible, inert
 * stand-in: `␛` for ESC, `␊` for a newline, `␉` for a tab, `�` for C1 and bidirectional controls.
 *
 * @example
 * ```ts
 * import * as TerminalText from "@effect-waba/cli/TerminalText"
 *
 * TerminalText.neutralise("Shrub\u001b[2J\r\nInc")
 * // "Shrub␛[2J␍␊Inc"
 * ```
 *
 * @since 0.2.0
 * @category sanitising
 */
export const neutralise = (text: string): string => text.replace(unsafe, standIn)
