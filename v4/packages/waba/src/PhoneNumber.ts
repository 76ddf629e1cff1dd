/**
 * The WhatsApp Business phone number node: its fields (declared once, for both Effect lines, in
 * `@effect-waba/graph-rules/whatsapp`) and the type of a number read with a selection of them.
 *
 * @since 1.0.0
 */
import type * as Shape from "@effect-waba/graph-rules/shape"
import { phoneNumber } from "@effect-waba/graph-rules/whatsapp"
import * as Read from "./internal/read.js"

/**
 * @since 1.0.0
 * @category declarations
 */
export const declaration = phoneNumber

/**
 * A field of the node.
 *
 * @since 1.0.0
 * @category models
 */
export type Field = keyof typeof declaration.fields

/**
 * Every field, in declaration order.
 *
 * @since 1.0.0
 * @category constants
 */
export const fields = Object.keys(declaration.fields) as ReadonlyArray<Field>

/**
 * What Graph returns when `fields` is absent.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultFields = declaration.defaultFields

/**
 * A number read with the fields `F`: `id` always, the others when Graph has them.
 *
 * @since 1.0.0
 * @category models
 */
export type Selected<F extends Field = typeof defaultFields[number]> = Shape.Selected<typeof declaration, F>

/**
 * One phone number by id, with the fields asked for.
 *
 * @since 1.0.0
 * @category reads
 */
export const get = Read.node(declaration)
