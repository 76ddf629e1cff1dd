/**
 * The built `waba` through an HTTP proxy on loopback: HTTP_PROXY (and its lower-case form), --proxy with
 * credentials, NO_PROXY, a proxy that refuses; the credentials never printed.
 */
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { startProxy } from "./utils/proxy.js"
import { jsonLines, requireBuild, runCli } from "./utils/runCli.js"

const token = "EAA-proxy-test-token-9c1d"
const password = "pr0xy-passw0rd-ffe1"

let emu: RunningEmulator
let business: string

beforeAll(async () => {
  requireBuild()
  emu = await startEmulator({ seed: 17, businesses: [40], token })
  business = emu.businessIds[0]!
})

afterAll(async () => {
  await emu?.stop()
})

const accounts = (extraArgs: ReadonlyArray<string>, env: Record<string, string>) =>
  runCli(["accounts", business, "--format", "jsonl", "--limit", "25", ...extraArgs], {
    GRAPH_BASE_URL: emu.url,
    GRAPH_ACCESS_TOKEN: token,
    ...env
  })

const emulatorHost = () => new URL(emu.url).host

describe("proxies", () => {
  it("HTTP_PROXY carries every call, and the accounts are the same", async () => {
    const proxy = await startProxy()
    try {
      const result = await accounts([], { HTTP_PROXY: proxy.url })
      expect(result.code).toBe(0)
      expect(jsonLines(result.stdout).map((a) => a.id)).toEqual(emu.accounts(business).map((a) => a.id))
      expect(proxy.carried().length).toBeGreaterThan(0)
      for (const carried of proxy.carried()) expect(carried.target).toContain(emulatorHost())
    } finally {
      await proxy.stop()
    }
  })

  it("the lower-case http_proxy works too", async () => {
    const proxy = await startProxy()
    try {
      const result = await accounts([], { http_proxy: proxy.url })
      expect(result.code).toBe(0)
      expect(proxy.carried().length).toBeGreaterThan(0)
    } finally {
      await proxy.stop()
    }
  })

  it("NO_PROXY sends the calls to its hosts directly", async () => {
    const proxy = await startProxy()
    try {
      const result = await accounts([], { HTTP_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" })
      expect(result.code).toBe(0)
      expect(jsonLines(result.stdout)).toHaveLength(40)
      expect(proxy.carried()).toEqual([])
    } finally {
      await proxy.stop()
    }
  })

  it("--proxy wins over the environment and sends its credentials, which are never printed", async () => {
    const proxy = await startProxy({ credentials: `reader:${password}` })
    const unused = await startProxy()
    try {
      const withCredentials = `http://reader:${password}@127.0.0.1:${proxy.port}`
      const result = await accounts(["--proxy", withCredentials, "--verbose"], { HTTPS_PROXY: unused.url })
      expect(result.code).toBe(0)
      expect(jsonLines(result.stdout)).toHaveLength(40)
      expect(
        proxy.carried().every((c) =>
          c.authorization === `Basic ${Buffer.from(`reader:${password}`).toString("base64")}`
        )
      )
        .toBe(true)
      expect(unused.carried()).toEqual([])
      expect(result.stdout + result.stderr).not.toContain(password)
    } finally {
      await Promise.all([proxy.stop(), unused.stop()])
    }
  })

  it("a proxy that refuses: the error names the proxy without its credentials; exit 1", async () => {
    const proxy = await startProxy({ credentials: "reader:the-right-one" })
    try {
      const result = await accounts(["--max-retries", "0"], {
        HTTP_PROXY: `http://reader:${password}@127.0.0.1:${proxy.port}`
      })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(
        `Could not reach ${emu.url} through the proxy http://<redacted>@127.0.0.1:${proxy.port}.`
      )
      expect(result.stderr).toContain(
        "set by --proxy, HTTPS_PROXY or HTTP_PROXY; NO_PROXY lists the hosts reached directly"
      )
      expect(result.stdout + result.stderr).not.toContain(password)
    } finally {
      await proxy.stop()
    }
  })

  it("a proxy URL that cannot work is a usage error that does not repeat it; nothing is sent", async () => {
    emu.resetRequests()
    for (const bad of [`ftp://reader:${password}@proxy.example`, `http://reader:${password}@`]) {
      const result = await accounts(["--proxy", bad], {})
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("--proxy is not a proxy URL the CLI can use.")
      expect(result.stderr).not.toContain(password)
    }
    const fromEnv = await accounts([], { HTTPS_PROXY: `gopher://x:${password}@y` })
    expect(fromEnv.code).toBe(2)
    expect(fromEnv.stderr).toContain("HTTPS_PROXY (or https_proxy) is not a proxy URL")
    expect(fromEnv.stderr).not.toContain(password)
    expect(emu.requests()).toHaveLength(0)
  })
})
