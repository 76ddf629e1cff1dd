/**
 * Where the CLI's guide (docs/cli.md) is read: online, since an installed CLI carries no copy of it. Help
 * and the hints of some errors point there.
 */
export const url = "https://github.com/effect-waba/effect-waba/blob/main/docs/cli.md"

/** The guide's section on tokens files (`--tokens FILE`). */
export const tokensFile = `${url}#a-token-per-business---tokens-file`
