/**
 * Meta's OpenAPI spec (the fixture beside this file) as the contract test uses it: the four read
 * operations this library binds, their example answers, and a routing view of the spec to mock.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Yaml from "yaml"

/** The fixture: Meta's spec as published, unmodified (see README.md beside it). */
export const specFile = Path.join(
  Path.dirname(fileURLToPath(import.meta.url)),
  "meta-openapi",
  "meta-openapi-business-messaging-api_v23.0.yaml"
)

/** The operations this library reads, by the spec's path templates (all under `/{Version}`). */
export const paths = {
  owned: "/{Version}/{Business-ID}/owned_whatsapp_business_accounts",
  client: "/{Version}/{Business-ID}/client_whatsapp_business_accounts",
  node: "/{Version}/{WABA-ID}",
  phoneNumbers: "/{Version}/{WABA-ID}/phone_numbers"
} as const

export type Operation = keyof typeof paths

interface MediaType {
  readonly example?: unknown
  readonly examples?: Record<string, { readonly value?: unknown }>
}

interface GetOperation {
  readonly operationId: string
  readonly responses: Record<string, { readonly content?: Record<string, MediaType> }>
}

interface Spec {
  readonly openapi: string
  readonly paths: Record<string, { readonly get?: GetOperation } & Record<string, unknown>>
  readonly [key: string]: unknown
}

let loaded: Spec | undefined

/** The parsed spec (parsed once: it is a megabyte of YAML). */
export const spec = (): Spec => {
  if (loaded === undefined) {
    loaded = Yaml.parse(Fs.readFileSync(specFile, "utf8"), { maxAliasCount: -1 }) as Spec
  }
  return loaded
}

const getOperation = (operation: Operation): GetOperation => {
  const get = spec().paths[paths[operation]]?.get
  if (get === undefined) throw new Error(`Meta's spec has no GET ${paths[operation]}`)
  return get
}

/** The spec's `operationId` of one of our reads. */
export const operationId = (operation: Operation): string => getOperation(operation).operationId

/** One example answer of an operation, as the spec gives it. */
export interface Example {
  readonly name: string
  readonly value: unknown
}

/**
 * Every `application/json` example of the operation's 200 answer, named as in the spec (a lone
 * `example` is named "example").
 */
export const successExamples = (operation: Operation): ReadonlyArray<Example> => {
  const media = getOperation(operation).responses["200"]?.content?.["application/json"]
  if (media === undefined) throw new Error(`GET ${paths[operation]} has no application/json 200 answer`)
  const named = Object.entries(media.examples ?? {}).map(([name, example]) => ({ name, value: example.value }))
  return media.example === undefined ? named : [...named, { name: "example", value: media.example }]
}

/**
 * The spec with only our four paths, written as JSON to a fresh temporary directory; returns the file.
 *
 * Why not the whole spec: Graph routes `/{id}` by the type of the object behind the id, which a path
 * template cannot express, so the spec has fifteen GET operations on `/{Version}/{some-id}` (a
 * business, a phone number, a media object, a flow, ... and the WABA) that no router can tell apart.
 * Prism picks one of the others for `GET /v27.0/{waba-id}`. Keeping only the operations we read makes
 * the routing unambiguous; every parameter, header and schema is still Meta's text, unchanged.
 */
export const writeRoutingView = (): { readonly file: string; readonly remove: () => void } => {
  const full = spec()
  const kept = Object.fromEntries(Object.values(paths).map((path) => [path, full.paths[path]]))
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-waba-prism-"))
  const file = Path.join(dir, "meta-openapi-reads.json")
  Fs.writeFileSync(file, JSON.stringify({ ...full, paths: kept }))
  return { file, remove: () => Fs.rmSync(dir, { recursive: true, force: true }) }
}

/**
 * The GET operations of the full spec whose path is `/{Version}/{one-parameter}`: the reason
 * for {@link writeRoutingView}.
 */
export const ambiguousNodeRoutes = (): ReadonlyArray<string> =>
  Object.entries(spec().paths)
    .filter(([path, item]) => /^\/\{Version\}\/\{[^/}]+\}$/.test(path) && item.get !== undefined)
    .map(([path]) => path)
