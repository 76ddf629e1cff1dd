import * as Redacted from "effect/Redacted"

// Access tokens are opaque, but they never hold whitespace or control characters; one that does was
// pasted with a stray newline or quote, and would only fail later with a confusing 190.
// eslint-disable-next-line no-control-regex
const forbidden = /[\s\u0000-\u001f\u007f"'<>\\]/

/** What is wrong with a secret as given (`name` says which), if anything, in words that never repeat it. */
export const secretProblem = (name: string, secret: Redacted.Redacted<string>): string | undefined => {
  const value = Redacted.value(secret)
  if (value.trim() === "") return `The ${name} is empty.`
  if (forbidden.test(value)) {
    return `The ${name} contains whitespace, quotes or control characters; check how it was copied.`
  }
  return undefined
}
