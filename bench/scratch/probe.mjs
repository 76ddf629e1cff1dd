import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
const server = spawn("node", ["server.mjs", "5", "0"], { stdio: ["pipe", "pipe", "inherit"] })
const info = JSON.parse(await new Promise((resolve) => createInterface({ input: server.stdout }).once("line", resolve)))
const batch = info.businessIds.slice(0, 2).map((id) => ({ method: "GET", relative_url: `v27.0/${id}/owned_whatsapp_business_accounts?fields=id` }))
const r = await fetch(`${info.url}/`, { method: "POST", body: new URLSearchParams({ access_token: info.token, batch: JSON.stringify(batch), include_headers: "true" }) })
console.log(r.status, (await r.text()).slice(0, 600))
server.stdin.end()
