/**
 * What a listing's rows are, for the words that count them: "1 account", "137 accounts", "No accounts".
 *
 * @since 0.2.0
 */

/**
 * @since 0.2.0
 * @category models
 */
export interface Noun {
  readonly one: string
  readonly many: string
}

/**
 * @since 0.2.0
 * @category constants
 */
export const accounts: Noun = { one: "account", many: "accounts" }

/**
 * "1 account", "3 accounts".
 *
 * @since 0.2.0
 * @category rendering
 */
export const count = (n: number, noun: Noun): string => `${n} ${n === 1 ? noun.one : noun.many}`

/**
 * @since 0.3.0
 * @category constants
 */
export const phoneNumbers: Noun = { one: "phone number", many: "phone numbers" }
