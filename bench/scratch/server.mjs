import { startEmulator } from "@effect-waba/emulator/PromiseApi"
const n = Number(process.argv[2] ?? 2000)
const latency = Number(process.argv[3] ?? 100)
const emu = await startEmulator({
  seed: "batch-figures",
  businesses: Array.from({ length: n }, () => ({ accounts: 20, clientAccounts: 5, phoneNumbers: 3 })),
  rateLimit: false,
  requestLogLimit: 16,
  faults: latency > 0 ? [{ kind: "latency", ms: latency, when: { rate: 1 } }] : []
})
process.stdout.write(JSON.stringify({ url: emu.url, token: emu.token, businessIds: emu.businessIds }) + "\n")
process.stdin.on("end", () => emu.stop().then(() => process.exit(0)))
process.stdin.resume()
