/**
 * The package version, in one place: the default `User-Agent` is built from it. A test keeps it equal
 * to `package.json`'s `version`.
 *
 * @internal
 */
export const version = "0.1.0"
