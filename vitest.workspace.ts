// Every workspace member with tests is a Vitest project; `vitest.config.ts` reads this list.
export default ["packages/*", "v4/packages/*", "examples", "checks"]
