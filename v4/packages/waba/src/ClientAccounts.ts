/**
 * The WhatsApp Business Accounts shared with a business by its clients (`GET /{business-id}/client_whatsapp_business_accounts`), as a `Stream` read page by page as it is pulled, with the fields asked for.
 *
 * @since 1.0.0
 */
import { clientAccount, edges, phoneNumber } from "@effect-waba/graph-rules/whatsapp"
import type * as Filter from "./Filter.js"
import * as Read from "./internal/read.js"

/**
 * The items of the edge under a parent id; `expand: { phone_numbers: { fields } }` brings each account's
 * phone numbers with it (the first page inside the account's, the rest read after it).
 *
 * @since 1.0.0
 * @category streams
 */
export const { all, pages, stream, validate } = Read.edge<
  typeof clientAccount,
  Filter.AccountFilter,
  typeof phoneNumber
>(
  clientAccount,
  edges.client,
  { name: "phone_numbers", node: phoneNumber, edge: edges.phoneNumbers }
)
