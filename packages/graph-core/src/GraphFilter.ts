/**
 * Filters for an edge's `filtering` parameter, and the rule that decides which part of a filter goes to
 * Graph and which part the client evaluates itself.
 *
 * Graph takes `filtering` as a JSON array of `{ field, operator, value }` clauses, all of which must
 * hold. Each edge documents only a few clauses (the owned-accounts edge: `creation_time` with
 * `LESS_THAN`, `GREATER_THAN` and `IN_RANGE`), and what Graph does with any other is unknown: it may
 * refuse the call, or ignore the clause and return everything. So an edge declares, per field, the
 * operators it documents ({@link FieldDeclaration.pushdown}), and {@link plan} turns the clauses a caller
 * wrote into:
 *
 * - clauses for the wire, each using a documented operator only: `>= t` becomes `GREATER_THAN t-1`,
 *   `<= t` becomes `LESS_THAN t+1`, `= t` and `between(a, b)` become `IN_RANGE`, for whole seconds;
 * - predicates the client applies to the decoded items for everything else (a `NOT_EQUAL`, a field the
 *   edge cannot filter on), with `GraphOperator.holds`. The fields they read are requested, and removed
 *   again from the items if the caller did not ask for them.
 *
 * {@link unchecked} is the explicit way to send a raw clause anyway. The emulator reads what is sent with
 * {@link parseWire}, from the same declarations, so client and emulator agree by construction.
 *
 * The module gathers four small ones: the clauses and their builders, the Schemas that check them, the
 * planner, and the wire form.
 *
 * @since 0.1.0
 */
export * from "./internal/filterClause.js"
export * from "./internal/filterSchema.js"
export * from "./internal/filterWire.js"
export * from "./pure/filterPlan.js"
