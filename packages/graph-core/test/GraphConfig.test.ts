import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

const TOKEN = "EAAGconfigTOKEN0123456789"

const settingsOf = (layer: Layer.Layer<GraphConfig.GraphConfig, GraphConfig.GraphConfigError>) =>
  Effect.provide(GraphConfig.GraphConfig, layer)

const fromEnv = (env: Record<string, string>, options?: Parameters<typeof GraphConfig.layerConfig>[0]) =>
  settingsOf(GraphConfig.layerConfig(options)).pipe(
    // Nested names joined with "_", as the environment provider does.
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)), { pathDelim: "_" }))
  )

describe("GraphConfig", () => {
  it.effect("defaults: pinned version, Meta's base URL, 30 s timeout, retries on, 16 MiB, effect-waba User-Agent", () =>
    Effect.gen(function*() {
      const settings = yield* settingsOf(GraphConfig.layer({ accessToken: TOKEN }))
      expect(settings.maxResponseBytes).toBe(16 * 1024 * 1024)
      expect(settings.userAgent).toMatch(/^effect-waba\/\d+\.\d+\.\d+$/)
      expect(settings.apiVersion).toBe("v27.0")
      expect(settings.baseUrl).toBe("https://graph.facebook.com")
      expect(Duration.toMillis(settings.timeout)).toBe(30_000)
      expect(Option.isSome(settings.retry)).toBe(true)
      expect(Option.isNone(settings.appSecret)).toBe(true)
      expect(Redacted.isRedacted(settings.accessToken)).toBe(true)
      expect(String(settings.accessToken)).not.toContain(TOKEN)
    }))

  const invalid: ReadonlyArray<readonly [string, GraphConfig.Options, string]> = [
    ["empty token", { accessToken: "" }, "accessToken"],
    ["whitespace token", { accessToken: "   " }, "accessToken"],
    ["token with a newline", { accessToken: `${TOKEN}\n` }, "accessToken"],
    ["empty app secret", { accessToken: TOKEN, appSecret: "" }, "appSecret"],
    ["version without v", { accessToken: TOKEN, apiVersion: "26.0" }, "apiVersion"],
    ["version without minor", { accessToken: TOKEN, apiVersion: "v26" }, "apiVersion"],
    ["latest is not a version", { accessToken: TOKEN, apiVersion: "latest" }, "apiVersion"],
    ["http on a public host", { accessToken: TOKEN, baseUrl: "http://graph.facebook.com" }, "baseUrl"],
    ["not a URL", { accessToken: TOKEN, baseUrl: "graph.facebook.com" }, "baseUrl"],
    ["ftp", { accessToken: TOKEN, baseUrl: "ftp://127.0.0.1" }, "baseUrl"],
    ["credentials in the URL", { accessToken: TOKEN, baseUrl: "https://u:p@graph.facebook.com" }, "baseUrl"],
    ["query in the URL", { accessToken: TOKEN, baseUrl: "https://graph.facebook.com/?access_token=x" }, "baseUrl"],
    ["zero timeout", { accessToken: TOKEN, timeout: 0 }, "timeout"],
    ["infinite timeout", { accessToken: TOKEN, timeout: Duration.infinity }, "timeout"],
    ["negative retries", { accessToken: TOKEN, retry: { maxRetries: -2 } }, "retry"],
    ["fractional retries", { accessToken: TOKEN, retry: { maxRetries: 1.5 } }, "retry"],
    ["a User-Agent without a version", { accessToken: TOKEN, userAgent: "effect-waba" }, "userAgent"],
    ["a browser User-Agent", { accessToken: TOKEN, userAgent: "Mozilla/5.0 (X11; Linux x86_64)" }, "userAgent"],
    ["a User-Agent with a newline", { accessToken: TOKEN, userAgent: "a/1.2.3\nX-Injected: 1" }, "userAgent"],
    ["zero maxResponseBytes", { accessToken: TOKEN, maxResponseBytes: 0 }, "maxResponseBytes"],
    ["fractional maxResponseBytes", { accessToken: TOKEN, maxResponseBytes: 1.5 }, "maxResponseBytes"]
  ]

  for (const [name, options, setting] of invalid) {
    it.effect(`refuses ${name} at layer build, naming ${setting}`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(settingsOf(GraphConfig.layer(options)))
        expect(error._tag).toBe("GraphConfigError")
        expect(error.setting).toBe(setting)
        expect(error.message.length).toBeGreaterThan(10)
        expect(error.message).not.toContain(TOKEN)
        expect(JSON.stringify(error)).not.toContain(TOKEN)
      }))
  }

  it.effect("allows plain HTTP on loopback only (the emulator)", () =>
    Effect.gen(function*() {
      for (
        const baseUrl of ["http://127.0.0.1:8080", "http://localhost:3000/", "http://[::1]:9000", "http://127.1.2.3"]
      ) {
        const settings = yield* settingsOf(GraphConfig.layer({ accessToken: TOKEN, baseUrl }))
        expect(settings.baseUrl).toBe(baseUrl.replace(/\/$/, ""))
      }
    }))

  it.effect("layerConfig reads GRAPH_* from the environment", () =>
    Effect.gen(function*() {
      const settings = yield* fromEnv({
        GRAPH_ACCESS_TOKEN: TOKEN,
        GRAPH_APP_SECRET: "app-secret-abcdefgh",
        GRAPH_API_VERSION: "v24.0",
        GRAPH_BASE_URL: "http://127.0.0.1:4000"
      })
      expect(Redacted.value(settings.accessToken)).toBe(TOKEN)
      expect(Option.map(settings.appSecret, Redacted.value)).toEqual(Option.some("app-secret-abcdefgh"))
      expect(settings.apiVersion).toBe("v24.0")
      expect(settings.baseUrl).toBe("http://127.0.0.1:4000")
    }))

  it.effect("layerConfig: options fill what the environment leaves out; empty variables count as unset", () =>
    Effect.gen(function*() {
      const settings = yield* fromEnv({ GRAPH_ACCESS_TOKEN: TOKEN, GRAPH_APP_SECRET: "", GRAPH_API_VERSION: "" }, {
        apiVersion: "v25.0",
        timeout: "5 seconds"
      })
      expect(settings.apiVersion).toBe("v25.0")
      expect(Option.isNone(settings.appSecret)).toBe(true)
      expect(Duration.toMillis(settings.timeout)).toBe(5000)
    }))

  it.effect("layerConfig without a token says how to get one; with a bad version it names the variable's value", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(fromEnv({}))
      expect(missing.message).toContain("GRAPH_ACCESS_TOKEN")
      const badVersion = yield* Effect.flip(fromEnv({ GRAPH_ACCESS_TOKEN: TOKEN, GRAPH_API_VERSION: "v26" }))
      expect(badVersion).toMatchObject({ setting: "apiVersion" })
      expect(badVersion.message).toContain("\"v26\"")
    }))

  it.effect("accepts User-Agents of the spec's pattern, with a comment part and a second product", () =>
    Effect.gen(function*() {
      for (const userAgent of ["my-sync/1.0.0", "my_sync/10.20.30;build=7", "app/1.2.3 effect-waba/0.1"]) {
        const settings = yield* settingsOf(GraphConfig.layer({ accessToken: TOKEN, userAgent }))
        expect(settings.userAgent).toBe(userAgent)
      }
    }))

  it.effect("layerConfig: settings read from Configs of the user's naming and nesting", () =>
    Effect.gen(function*() {
      const settings = yield* fromEnv({
        WABA_TOKEN: TOKEN,
        APP_GRAPH_VERSION: "v25.0",
        GRAPH_API_VERSION: "v24.0",
        WABA_TIMEOUT: "7 seconds",
        WABA_MAX_BYTES: "2048"
      }, {
        accessToken: Config.redacted("WABA_TOKEN"),
        apiVersion: Config.nested(Config.string("GRAPH_VERSION"), "APP"),
        timeout: Config.duration("WABA_TIMEOUT"),
        maxResponseBytes: Config.integer("WABA_MAX_BYTES"),
        userAgent: "my-sync/3.0.0"
      })
      expect(Redacted.value(settings.accessToken)).toBe(TOKEN)
      // A Config replaces the default variable: GRAPH_API_VERSION is not read.
      expect(settings.apiVersion).toBe("v25.0")
      expect(Duration.toMillis(settings.timeout)).toBe(7000)
      expect(settings.maxResponseBytes).toBe(2048)
      expect(settings.userAgent).toBe("my-sync/3.0.0")
      const unset = yield* Effect.flip(
        fromEnv({ GRAPH_ACCESS_TOKEN: TOKEN }, { accessToken: Config.redacted("WABA_TOKEN") })
      )
      expect(unset.setting).toBe("accessToken")
      const optional = yield* fromEnv({ GRAPH_ACCESS_TOKEN: TOKEN }, {
        appSecret: Config.option(Config.redacted("WABA_SECRET"))
      })
      expect(Option.isNone(optional.appSecret)).toBe(true)
    }))

  it.effect("GraphClient.layerConfig builds settings and client in one call", () =>
    Effect.gen(function*() {
      const client = yield* GraphClient.GraphClient.pipe(
        Effect.provide(
          GraphClient.layerConfig({ apiVersion: Config.string("V") }).pipe(
            Layer.provide(Layer.succeed(HttpClient.HttpClient, HttpClient.make(() => Effect.never)))
          )
        ),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["GRAPH_ACCESS_TOKEN", TOKEN], ["V", "v23.0"]])))
      )
      expect(client.apiVersion).toBe("v23.0")
      expect(client.baseUrl).toBe("https://graph.facebook.com")
    }))
})
