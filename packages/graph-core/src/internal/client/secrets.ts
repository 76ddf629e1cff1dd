/**
 * Which secrets a request's echoes must be scrubbed of: the token, the app secret and the plain proof
 * for every request, plus the timed proof the request actually carried (read back from it).
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Option from "effect/Option"
import type * as GraphConfig from "../../GraphConfig.js"
import { makeScrubber, type Secret } from "../../Redaction.js"
import type { ProofSource } from "./steps.js"

/** @internal */
export type ScrubberFor = (request: HttpClientRequest.HttpClientRequest | undefined) => (text: string) => string

/** @internal */
export const make = (settings: GraphConfig.Settings, proof: ProofSource): ScrubberFor => {
  const always: Array<Secret> = [settings.accessToken, settings.appSecret]
  if (proof._tag === "Plain") always.push(proof.proof)
  const scrub = makeScrubber(always)
  if (proof._tag !== "Timed") return () => scrub
  return (request) => {
    const sent = request === undefined ? Option.none() : UrlParams.getFirst(request.urlParams, "appsecret_proof")
    return Option.isSome(sent) ? makeScrubber([...always, sent.value]) : scrub
  }
}
