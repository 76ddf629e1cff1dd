/**
 * The WhatsApp Business Accounts shared with a business by its clients (`GET /{business-id}/client_whatsapp_business_accounts`), as a `Stream` read page by page as it is pulled, with the fields asked for.
 *
 * @since 1.0.0
 */
import { clientAccount, edges } from "@effect-waba/graph-rules/whatsapp"
import type * as Filter from "./Filter.js"
import * as Read from "./internal/read.js"

/**
 * The items of the edge under a parent id.
 *
 * @since 1.0.0
 * @category streams
 */
export const stream = Read.edge<typeof clientAccount, Filter.AccountFilter>(clientAccount, edges.client)
