/**
 * Text from a server, made safe for a terminal. Account names, Graph's error messages and every other
 * string the server chooses can hold control characters: an escape sequence that clears the screen or
 * retitles the window, a carriage return that hides what came before it, a bidirectional override that
 * reverses how a line reads. Each is shown as a visible stand-in that does nothing.
 */

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
