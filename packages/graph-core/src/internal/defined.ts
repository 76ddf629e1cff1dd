// The client's steps import it from here; it lives with the rest of the pure centre.
export { defined, type Defined } from "../pure/defined.js"
