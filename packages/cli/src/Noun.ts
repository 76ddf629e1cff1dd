/** What a listing's rows are, for the words that count them: "1 account", "137 accounts", "No accounts". */
export interface Noun {
  readonly one: string
  readonly many: string
}

export const accounts: Noun = { one: "account", many: "accounts" }

export const phoneNumbers: Noun = { one: "phone number", many: "phone numbers" }

export const requests: Noun = { one: "request", many: "requests" }

export const holds: Noun = { one: "hold", many: "holds" }

export const tokens: Noun = { one: "token", many: "tokens" }

export const businesses: Noun = { one: "business", many: "businesses" }

/** "1 account", "3 accounts". */
export const count = (n: number, noun: Noun): string => `${n} ${n === 1 ? noun.one : noun.many}`
