/**
 * The phone numbers of a WhatsApp Business Account (`GET /{waba-id}/phone_numbers`), as a `Stream` read page by page as it is pulled, with the fields asked for.
 *
 * @since 1.0.0
 */
import { edges, phoneNumber } from "@effect-waba/graph-rules/whatsapp"
import type * as Filter from "./Filter.js"
import * as Read from "./internal/read.js"

/**
 * The items of the edge under a parent id.
 *
 * @since 1.0.0
 * @category streams
 */
export const { all, pages, stream, validate } = Read.edge<typeof phoneNumber, Filter.PhoneNumberFilter>(
  phoneNumber,
  edges.phoneNumbers
)
