import * as Redacted from "effect/Redacted"
import * as Pure from "../pure/secret.js"

/** What is wrong with a secret as given (`name` says which), if anything, in words that never repeat it. */
export const secretProblem = (name: string, secret: Redacted.Redacted<string>): string | undefined =>
  Pure.secretProblem(name, Redacted.value(secret))
