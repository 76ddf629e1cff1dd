/**
 * A record without its `undefined` entries, typed with those keys optional: what schemas with exact
 * optional fields and span attributes take.
 *
 * @internal
 */
export const defined = <A extends object>(record: A): Defined<A> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Defined<A>

/** @internal */
export type Defined<A> =
  & { [K in keyof A as undefined extends A[K] ? never : K]: A[K] }
  & { [K in keyof A as undefined extends A[K] ? K : never]?: Exclude<A[K], undefined> }
