// The client's steps import it from here; it lives with the rest of the pure centre.
export { type Defined, defined } from "../pure/defined.js"
