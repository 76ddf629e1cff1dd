/**
 * Whether a secret as given could be one: what is wrong with it, in words that never repeat it.
 *
 * @internal
 */

// Access tokens are opaque, but they never hold whitespace or control characters; one that does was
// pasted with a stray newline or quote, and would only fail later with a confusing 190.
// eslint-disable-next-line no-control-regex
const forbidden = /[\s\u0000-\u001f\u007f"'<>\\]/

/** What is wrong with a secret's value (`name` says which secret), if anything. @internal */
export const secretProblem = (name: string, value: string): string | undefined => {
  if (value.trim() === "") return `The ${name} is empty.`
  if (forbidden.test(value)) {
    return `The ${name} contains whitespace, quotes or control characters; check how it was copied.`
  }
  return undefined
}
