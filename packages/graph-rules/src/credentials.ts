/**
 * The check of one business's credentials, as `GraphConfig` checks the app's own: a token (and app secret)
 * that could work, a proof mode that exists. A problem names the business, never the secret.
 *
 * @internal
 */
import { secretProblem } from "./secret.js"

/** Credentials as plain text, before the line wraps the secrets. @internal */
export interface Given {
  readonly accessToken: string
  readonly appSecret?: string | undefined
  readonly appSecretProof?: unknown
}

/** What is wrong with a business's credentials, if anything. @internal */
export const problem = (businessId: string, given: Given): string | undefined =>
  secretProblem(`access token of business ${businessId}`, given.accessToken) ??
    (given.appSecret === undefined
      ? undefined
      : secretProblem(`app secret of business ${businessId}`, given.appSecret)) ??
    (given.appSecretProof === undefined || given.appSecretProof === "plain" || given.appSecretProof === "timed"
      ? undefined
      : `The appsecret_proof mode of business ${businessId} must be "plain" or "timed".`)

/** @internal */
export const missing = (businessId: string) => `No credentials are known for business ${businessId}.`

/** @internal */
export const notAToken = (businessId: string) => `The credentials of business ${businessId} are not a token.`

/** @internal */
export const unavailable = (businessId: string) => `The credentials of business ${businessId} could not be read.`
