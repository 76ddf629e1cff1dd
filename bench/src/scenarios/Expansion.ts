/**
 * Scenario: field expansion. Reading accounts with `expand: { phone_numbers }` against the flat read of
 * the same bytes (what the nested items cost the client), and a count, from the emulator's request log,
 * of the requests a read makes when some accounts have more phone numbers than one nested page holds:
 * one per extra nested page, no more.
 */
import { startEmulator } from "@effect-waba/emulator/PromiseApi"
import { OwnedAccounts } from "@effect-waba/waba"
import * as Stream from "effect/Stream"
import { cannedRuntime, chain } from "../Canned.js"
import { fields, ourRuntime, transportLabel } from "../Clients.js"
import { interleave, type Variant } from "../Harness.js"
import { count, iqr, range, ratio, type Section, us } from "../Report.js"
import { pairedRatios, summarize } from "../Stats.js"
import type { ScenarioContext } from "./Context.js"

// The target: the expanded read costs at most this many times the flat read of the same bytes.
const maxRatio = 1.15

// The phone fields of the edge's own example: what a dashboard shows per number.
const phoneFields = ["display_phone_number", "quality_rating", "messaging_limit_tier"] as const

export const run = async (context: ScenarioContext): Promise<Section> => {
  const pageCount = context.settings.quick ? 100 : 400
  const nestedLimit = 25
  // Accounts with more phone numbers than a nested page holds (and one with exactly a page's worth).
  const many: Record<number, number> = { 0: 150, 7: 26, 13: 101, 42: 25, 77: 51 }
  const emulator = await startEmulator({
    seed: "effect-waba-bench",
    businesses: [{ accounts: 1_000, phoneNumbers: 2 }, { accounts: 120, phoneNumbers: 3, manyPhoneNumbers: many }],
    rateLimit: false,
    requestLogLimit: 100_000
  })
  const runtime = ourRuntime(context.headline, emulator)
  const disposables: Array<{ readonly dispose: () => Promise<void> }> = [runtime]
  try {
    const [flatBusiness, nestedBusiness] = emulator.businessIds as [string, string]
    const expand = { phone_numbers: { fields: phoneFields, limit: 10 } }

    // The bytes: one expanded page of 100 accounts with 2 phone numbers each, as the client asks for it
    // (its query taken from the emulator's log, so the canned page is exactly what the client reads).
    emulator.resetRequests()
    await runtime.runPromise(
      OwnedAccounts.pages(flatBusiness, { fields, limit: 100, expand }).pipe(Stream.take(1), Stream.runDrain)
    )
    const logged = emulator.requests()[0]!
    const firstUrl = `${emulator.url}${logged.path}?${new URLSearchParams(logged.query).toString()}`
    const response = await fetch(firstUrl, { headers: { authorization: `Bearer ${emulator.token}` } })
    const page = { body: await response.text(), headers: [...response.headers.entries()] }
    const { respond } = chain(page, pageCount)
    const canned = cannedRuntime(emulator, respond)
    disposables.push(canned)
    const total = pageCount * 100
    const variants: ReadonlyArray<Variant> = [
      {
        name: "bare: Response + text + JSON.parse, following next",
        expect: total,
        run: async () => {
          let link: string | undefined = firstUrl
          let seen = 0
          while (link !== undefined) {
            const body = JSON.parse(await respond(link).text()) as {
              data: ReadonlyArray<unknown>
              paging?: { next?: string }
            }
            seen += body.data.length
            link = body.paging?.next
          }
          return seen
        }
      },
      {
        name: "flat: `OwnedAccounts.stream` with the fields, `phone_numbers` unread",
        expect: total,
        run: () => canned.runPromise(Stream.runCount(OwnedAccounts.stream(flatBusiness, { fields, limit: 100 })))
      },
      {
        name: "expanded: `expand: { phone_numbers }`",
        expect: total,
        run: () =>
          canned.runPromise(Stream.runCount(OwnedAccounts.stream(flatBusiness, { fields, limit: 100, expand })))
      }
    ]
    context.log(`expansion: ${pageCount} canned pages of 100 accounts with 2 phone numbers each`)
    const samples = await interleave(variants, {
      repetitions: context.settings.repetitions,
      warmup: 1,
      log: context.log
    })
    const perPage = (values: ReadonlyArray<number>) => values.map((t) => (t * 1000) / pageCount)
    const flat = samples[1]!
    const expanded = samples[2]!
    const timeRatio = summarize(expanded.ms).median / summarize(flat.ms).median
    const rows = samples.map((s) => {
      const summary = summarize(perPage(s.ms))
      return [
        s.name,
        us(summary.median),
        range(summary, us),
        iqr(summary, us),
        us(summarize(perPage(s.clientCpuMs)).median),
        ratio(summary.median / summarize(perPage(flat.ms)).median)
      ]
    })

    // The count: every account of the second business with its phone numbers, nested pages of 25.
    const accounts = 120
    const outerLimit = 25
    emulator.resetRequests()
    const read = await runtime.runPromise(
      Stream.runCollect(
        OwnedAccounts.stream(nestedBusiness, {
          fields: ["name"],
          limit: outerLimit,
          expand: { phone_numbers: { fields: ["display_phone_number"], limit: nestedLimit } }
        })
      )
    )
    const log = emulator.requests()
    const outerRequests = log.filter((entry) => entry.path.endsWith("/owned_whatsapp_business_accounts")).length
    const nestedRequests = log.filter((entry) => entry.path.endsWith("/phone_numbers")).length
    const otherRequests = log.length - outerRequests - nestedRequests
    // What the data set holds, from the emulator (not from the client's answer).
    const held = emulator.accounts(nestedBusiness).map((account) => emulator.phoneNumbers(account.id).length)
    const extraPages = held.reduce((sum, n) => sum + Math.max(0, Math.ceil(n / nestedLimit) - 1), 0)
    const outerPages = Math.ceil(accounts / outerLimit)
    const readNumbers = [...read].reduce((sum, account) => sum + account.phone_numbers.length, 0)
    const heldNumbers = held.reduce((sum, n) => sum + n, 0)
    const exact = outerRequests === outerPages && nestedRequests === extraPages && otherRequests === 0 &&
      readNumbers === heldNumbers && read.length === accounts

    return {
      id: "expansion",
      title: "Field expansion (phone numbers inside accounts)",
      setup: `Timing: a page of 100 accounts read with the throughput fields and \`phone_numbers\` expanded (${
        phoneFields.length + 1
      } phone fields, \`.limit(10)\`, 2 numbers per account; ${page.body.length} bytes), fetched once from the emulator with the client's own query and served from memory as a chain of ${pageCount} pages (a fresh web \`Response\` each time, no socket). The flat read streams the same bytes with the same fields but no \`expand\`, so the nested objects are skipped, not decoded; the expanded read decodes them and checks each account's nested paging (none to follow here). ${context.settings.repetitions} runs per variant after one warm-up round, interleaved; µs per page of 100. Count: ${accounts} accounts read at ${outerLimit} per page with \`expand: { phone_numbers: { limit: ${nestedLimit} } }\` from an emulator on loopback (${
        transportLabel[context.headline]
      }), where accounts #0, #7, #13, #42, #77 hold ${
        Object.values(many).join(", ")
      } phone numbers and the others 3; the requests are counted in the emulator's request log.`,
      tables: [{
        headers: ["variant", "µs per page (median)", "min–max µs", "IQR µs", "CPU µs per page", "× flat"],
        rows
      }, {
        caption: "Requests for the nested-paging read, from the emulator's request log:",
        headers: ["", "expected (from the data set)", "made"],
        rows: [
          ["account pages", count(outerPages), count(outerRequests)],
          ["extra nested pages (Σ over accounts of ⌈n / 25⌉ − 1)", count(extraPages), count(nestedRequests)],
          ["other requests", "0", count(otherRequests)],
          ["phone numbers read", count(heldNumbers), count(readNumbers)]
        ]
      }],
      targets: [
        {
          description: `expanded read ≤ ${maxRatio}× the flat read of the same bytes`,
          met: timeRatio <= maxRatio,
          detail: `${ratio(timeRatio)} (per round ${range(summarize(pairedRatios(expanded.ms, flat.ms)), ratio)})`
        },
        {
          description: "completing nested paging costs one request per extra nested page",
          met: exact,
          detail: `${count(nestedRequests)} nested requests for ${count(extraPages)} extra pages, ${
            count(outerRequests)
          } account pages for ${count(outerPages)}, ${count(readNumbers)} of ${count(heldNumbers)} numbers read`
        }
      ],
      notes: [],
      raw: { samples, requests: { outerRequests, nestedRequests, otherRequests, extraPages, outerPages } }
    }
  } finally {
    for (const disposable of disposables) await disposable.dispose()
    await emulator.stop()
  }
}
