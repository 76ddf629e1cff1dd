/**
 * Meta's Node business SDK pointed at the emulator. Its own module, so that processes that do not use
 * it (the memory children) do not load it: the SDK is large.
 */
import { Business, FacebookAdsApi } from "facebook-nodejs-business-sdk"
import type { Target } from "./Clients.js"

// The SDK's Cursor, as its typings return it (the class is not exported by name).
type Cursor = Awaited<ReturnType<Business["getOwnedWhatsAppBusinessAccounts"]>>

let sdkPointedAt: string | undefined

/**
 * Points Meta's SDK at the emulator. The SDK builds first-page URLs from the static getter
 * `FacebookAdsApi.GRAPH`; later pages follow `paging.next`, which already points at the emulator.
 */
export const pointSdkAt = (target: Target): void => {
  if (sdkPointedAt !== target.url) {
    Object.defineProperty(FacebookAdsApi, "GRAPH", { configurable: true, get: () => target.url })
    sdkPointedAt = target.url
  }
  // crash_log = false: otherwise the SDK installs a process-wide handler that reports to Meta.
  FacebookAdsApi.init(target.token, "en_US", false)
}

/** Every account of a business through the SDK's Cursor, as its documentation pages. */
export const sdkLoop = async (
  target: Target,
  businessId: string,
  requestedFields: ReadonlyArray<string>,
  limit: number
): Promise<number> => {
  pointSdkAt(target)
  let cursor = await new Business(businessId).getOwnedWhatsAppBusinessAccounts([...requestedFields], {
    limit
  }) as Cursor
  let count = cursor.length
  while (cursor.hasNext()) {
    cursor = await cursor.next()
    count += cursor.length
  }
  return count
}
