/**
 * Runs one scenario against one line: starts its server (the scripted one or the emulator) on loopback,
 * has the line read it, and judges the outcome. A line's test file is a loop over the tables with this.
 * The emulator is the Effect 3 engine behind its promise API: both lines read it over HTTP only, as any
 * client would, so nothing of either line's Effect reaches this module.
 */
import { defaultAppSecret, defaultToken } from "@effect-waba/emulator/Emulator"
import { startEmulator } from "@effect-waba/emulator/PromiseApi"
import { expect } from "vitest"
import type { EmulatorScenario, Line, Read, Scenario, Sent, ServerScenario, Settings } from "./model.js"
import { isServerScenario } from "./model.js"
import * as Secrets from "./secrets.js"
import { serve } from "./server.js"
import { verdict } from "./verdict.js"

// Retries on, as by default, but without real waits unless a scenario's server asks for them.
const fast = { baseDelay: "1 millis", maxDelay: "10 millis", jitter: false } as const

const againWith = (line: Line, settings: Settings) => (read: Read) => line(read, settings)

const againstServer = async (scenario: ServerScenario, line: Line): Promise<void> => {
  const server = await serve(scenario.replies)
  try {
    const settings: Settings = {
      accessToken: Secrets.token,
      appSecret: Secrets.appSecret,
      timeout: "2 seconds",
      retry: fast,
      ...scenario.settings,
      baseUrl: server.origin
    }
    const outcome = await line(scenario.read, settings)
    const sent = [...server.sent]
    verdict(scenario.expected, outcome, sent, [Secrets.token, Secrets.appSecret])
    expect(server.offOrigin(), "requests that reached another origin").toBe(0)
    await scenario.verify?.({ outcome, sent, again: againWith(line, settings) })
  } finally {
    await server.close()
  }
}

const againstEmulator = async (scenario: EmulatorScenario, line: Line): Promise<void> => {
  const emulator = await startEmulator({ host: "127.0.0.1", ...scenario.emulator })
  try {
    const token = scenario.settings?.accessToken ?? scenario.emulator?.token ?? defaultToken
    const appSecret = scenario.settings?.appSecret ?? scenario.emulator?.appSecret ?? defaultAppSecret
    const settings: Settings = {
      accessToken: token,
      appSecret,
      timeout: "5 seconds",
      retry: fast,
      ...scenario.settings,
      baseUrl: emulator.url
    }
    const outcome = await line(scenario.read, settings)
    const sent: ReadonlyArray<Sent> = emulator.requests().map((entry, index) => ({
      index,
      path: entry.path.replace(/^\/v\d+\.\d+/, ""),
      query: entry.query,
      headers: entry.headers,
      at: entry.receivedAt
    }))
    verdict(scenario.expected, outcome, sent, [token, appSecret])
    if (scenario.injected !== undefined) {
      expect(emulator.injectedFaults().map((fault) => fault.kind)).toEqual(scenario.injected)
    }
    await scenario.verify?.({ outcome, sent, again: againWith(line, settings) })
  } finally {
    await emulator.stop()
  }
}

export const run = (scenario: Scenario, line: Line): Promise<void> =>
  isServerScenario(scenario) ? againstServer(scenario, line) : againstEmulator(scenario, line)
