/**
 * Module hooks for the ablation table ("where the time goes"): in a child process, they swap one of
 * graph-core's internal modules (as built in `dist`) for a version with one piece of the request path
 * taken out, so that piece's cost can be measured on the real build without editing graph-core.
 *
 * Each swapped module records its name in `globalThis.__benchAblated` as it loads, and checks that the
 * module it wraps still has the shape it expects, so an ablation that no longer applies (graph-core's
 * internals moved) fails loudly instead of measuring nothing.
 */
import type { LoadHook } from "node:module"

/** What can be taken out by swapping a module. */
export type Piece = "timeout" | "span" | "metrics" | "decode"

interface Data {
  readonly off: ReadonlyArray<Piece>
}

const off = new Set<Piece>()

export const initialize = (data: Data): void => {
  for (const piece of data.off) off.add(piece)
}

const mark = (name: string) =>
  `globalThis.__benchAblated = [...(globalThis.__benchAblated ?? []), ${JSON.stringify(name)}];\n`

const missing = (what: string) =>
  `throw new Error(${
    JSON.stringify(`ablation: graph-core's ${what} changed shape; update bench/src/AblationHooks.ts`)
  });\n`

// The real module, loaded under another URL so the swapped one can wrap it.
const real = (url: string) => `${url}${url.includes("?") ? "&" : "?"}bench-real`

const swaps: ReadonlyArray<{ readonly suffix: string; readonly source: (url: string) => string | undefined }> = [
  {
    // The per-attempt timeout: the attempt runs as it is.
    suffix: "/graph-core/dist/internal/client/timeout.js",
    source: (url) =>
      off.has("timeout")
        ? `import * as real from ${JSON.stringify(real(url))};\n` +
          `if (typeof real.timeoutFail !== "function") { ${missing("timeout module")} }\n` +
          mark("timeout") +
          "export const timeoutFail = (self) => self;\n"
        : undefined
  },
  {
    // The span (and the error counter beside it) and the per-attempt metrics (count and duration).
    suffix: "/graph-core/dist/internal/client/telemetry.js",
    source: (url) =>
      off.has("span") || off.has("metrics")
        ? `import * as real from ${JSON.stringify(real(url))};\n` +
          "export * from " + JSON.stringify(real(url)) + ";\n" +
          `import * as Effect from "effect/Effect";\n` +
          "export const make = (settings) => {\n" +
          "  const made = real.make(settings);\n" +
          `  if (typeof made.traced !== "function" || typeof made.attempted !== "function") { ${
            missing("telemetry module")
          } }\n` +
          "  return {\n" +
          "    ...made,\n" +
          (off.has("span") ? "    traced: () => (effect) => effect,\n" : "") +
          (off.has("metrics") ? "    attempted: () => Effect.void,\n" : "") +
          "  };\n" +
          "};\n" +
          (off.has("span") ? mark("span") : "") +
          (off.has("metrics") ? mark("metrics") : "")
        : undefined
  },
  {
    // Decoding: the parsed JSON is handed on as it is.
    suffix: "/graph-core/dist/internal/client/decode.js",
    source: (url) =>
      off.has("decode")
        ? `import * as real from ${JSON.stringify(real(url))};\n` +
          `import * as Effect from "effect/Effect";\n` +
          `if (typeof real.make !== "function") { ${missing("decode module")} }\n` +
          mark("decode") +
          "export const make = () => (answer) => Effect.succeed(answer.json);\n"
        : undefined
  }
]

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!url.includes("bench-real")) {
    for (const swap of swaps) {
      if (url.endsWith(swap.suffix)) {
        const source = swap.source(url)
        if (source !== undefined) return { format: "module", source, shortCircuit: true }
      }
    }
  }
  return nextLoad(url, context)
}
