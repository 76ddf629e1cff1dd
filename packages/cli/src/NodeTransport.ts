/**
 * The HTTP transport for real Graph servers: `fetch`, through a proxy when one is set.
 *
 * Node 20's global `fetch` ignores `HTTPS_PROXY` and cannot take a dispatcher from another copy of undici,
 * so a read through a proxy uses undici's own `fetch` with its `EnvHttpProxyAgent` (the proxies for
 * `http://` and `https://` targets, and the `NO_PROXY` list). Without a proxy the global `fetch` is used,
 * and undici is not loaded at all. Loaded only by commands that talk to a server.
 *
 * @since 0.2.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ProxySettings } from "./ProxySettings.js"

/**
 * `fetch` through the proxies; the agent is closed (its idle sockets with it) when the layer is released.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerProxy = (settings: ProxySettings): Layer.Layer<HttpClient.HttpClient> =>
  FetchHttpClient.layer.pipe(
    Layer.provide(Layer.scoped(
      FetchHttpClient.Fetch,
      Effect.gen(function*() {
        const undici = yield* Effect.promise(() => import("undici"))
        const agent = yield* Effect.acquireRelease(
          Effect.sync(() =>
            new undici.EnvHttpProxyAgent({
              httpProxy: settings.httpProxy,
              httpsProxy: settings.httpsProxy,
              noProxy: settings.noProxy
            })
          ),
          (agent) => Effect.promise(() => agent.destroy())
        )
        // undici's fetch and the DOM's agree at run time; only their type declarations differ.
        const proxied = (input: string | URL | globalThis.Request, init?: globalThis.RequestInit) =>
          undici.fetch(input as string, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>
        return proxied as typeof globalThis.fetch
      })
    ))
  )

/**
 * The transport for these proxy settings.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (proxy: Option.Option<ProxySettings>): Layer.Layer<HttpClient.HttpClient> =>
  Option.match(proxy, { onNone: () => FetchHttpClient.layer, onSome: layerProxy })
