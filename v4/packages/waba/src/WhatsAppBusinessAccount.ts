/**
 * The WhatsApp Business Account node: its fields (declared once, for both Effect lines, in
 * `@effect-waba/graph-rules/whatsapp`), the type of a node read with a selection of them, and `get`.
 *
 * @since 1.0.0
 */
import type * as Shape from "@effect-waba/graph-rules/shape"
import { whatsAppBusinessAccount } from "@effect-waba/graph-rules/whatsapp"
import * as Read from "./internal/read.js"

/**
 * The declaration; every field, in declaration order; what Graph returns when `fields` is absent; and one
 * node by id with the fields asked for.
 *
 * @since 1.0.0
 * @category reads
 */
export const { declaration, defaultFields, fields, get } = Read.nodeModule(whatsAppBusinessAccount)

/**
 * A field of the node.
 *
 * @since 1.0.0
 * @category models
 */
export type Field = keyof typeof declaration.fields

/**
 * An account read with the fields `F`: `id` always, the others when Graph has them.
 *
 * @since 1.0.0
 * @category models
 */
export type Selected<F extends Field = typeof defaultFields[number]> = Shape.Selected<typeof declaration, F>
