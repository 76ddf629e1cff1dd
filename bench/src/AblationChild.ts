/**
 * One cell of the ablation table, in a fresh process: registers the module hooks that take pieces out
 * of graph-core (`AblationHooks.ts`), then runs `AblationRun.ts`, which measures.
 *
 *   node dist/AblationChild.js '{"pagesFile":"…","off":["timeout"],"retry":true,"governor":true,"runs":5}'
 */
import { register } from "node:module"
import type { AblationJob } from "./AblationRun.js"

const job = JSON.parse(process.argv[2] ?? "{}") as AblationJob
register("./AblationHooks.js", import.meta.url, { data: { off: job.hooked } })
await import("./AblationRun.js")
