/**
 * The benchmark tables: ratios against the SDK and against the rate-limit
 * bound, as Markdown (printed and written to `BENCHMARKS.md`).
 */
import type * as Faults from "@effect-workos/testing/Faults"
import type { DecodeMeasurement, Impl, Measurement } from "./protocol.js"

export interface RateRow {
  readonly impl: Impl
  readonly measurement: Measurement | string
  readonly stats: Faults.Stats
}

export interface RateRows {
  readonly rows: Array<RateRow>
  /** Pages of 100 users per directory. */
  readonly pages: number
  readonly directories: number
}

export interface MemoryRow extends RateRow {
  readonly users: number
  /** Peak RSS of every run, in bytes, lowest first; the row's measurement is the median run. */
  readonly peaks: ReadonlyArray<number>
}

export interface LoopbackRow extends RateRow {}

export interface Input {
  readonly machine: {
    readonly cpus: number
    readonly cpuModel: string
    readonly memoryBytes: number
    readonly node: string
    readonly platform: string
    readonly date: string
  }
  readonly settings: {
    readonly latencyMs: number
    readonly usersPerDirectory: number
    readonly directories: number
    readonly concurrency: number
    readonly memoryUsers: ReadonlyArray<number>
    readonly memoryRuns: number
    readonly loopbackSeconds: number
    readonly decodeSeconds: number
    readonly sdkVersion: string
    readonly durationSeconds: number
  }
  readonly directory: RateRows
  readonly organization: RateRows
  /** Scenario 2 again while a second process keeps one core busy. */
  readonly contention: RateRows
  readonly memory: ReadonlyArray<MemoryRow>
  readonly loopback: ReadonlyArray<LoopbackRow>
  readonly decode: DecodeMeasurement | string
}

const names: Record<Impl, string> = {
  "effect-workos": "effect-workos",
  "workos-node": "workos-node"
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
const fixed = (n: number, digits = 2) => n.toFixed(digits)
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`
const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join(
    "\n"
  )

/**
 * The least time any client can take under the enforced limits: 4 requests
 * per directory in any second, each page needing the previous page's cursor
 * (so the four of a second go one after the other), plus the latency of each
 * request, plus one listing of the directories when there are several.
 */
const boundMs = (rows: RateRows, latencyMs: number) => {
  const n = rows.pages
  const listing = rows.directories > 1 ? latencyMs : 0
  return Math.floor((n - 1) / 4) * 1000 + (((n - 1) % 4) + 1) * latencyMs + listing
}

const rateSection = (title: string, rows: RateRows, latencyMs: number, target: number) => {
  const fastest = boundMs(rows, latencyMs)
  const totalPages = rows.pages * rows.directories
  const sustained = 4 * rows.directories
  const body = rows.rows.map((row) => {
    const m = row.measurement
    if (typeof m === "string") return [names[row.impl], `failed: ${m}`, "", "", "", "", "", "", ""]
    const seconds = m.elapsedMs / 1000
    const pagesPerSecond = m.count / 100 / seconds
    const ofBound = pagesPerSecond / sustained
    const verdict = row.impl === "effect-workos"
      ? (ofBound >= target && row.stats.rateLimited === 0 ? "met" : "**missed**")
      : "—"
    return [
      names[row.impl],
      fixed(seconds),
      String(row.stats.requests),
      fixed(pagesPerSecond),
      fixed(m.count / seconds, 0),
      String(row.stats.rateLimited),
      percent(ofBound),
      percent(fastest / m.elapsedMs),
      verdict
    ]
  })
  body.push([
    `bound: ${sustained} pages/s`,
    fixed(totalPages / sustained),
    "",
    fixed(sustained),
    fixed(sustained * 100, 0),
    "0",
    "100%",
    "",
    ""
  ])
  body.push([
    "fastest possible run under the limits",
    fixed(fastest / 1000),
    String(totalPages + (rows.directories > 1 ? 1 : 0)),
    fixed(totalPages / (fastest / 1000)),
    fixed(totalPages * 100 / (fastest / 1000), 0),
    "0",
    percent(totalPages / (fastest / 1000) / sustained),
    "100%",
    ""
  ])
  return [
    `### ${title}`,
    "",
    table(
      [
        "client",
        "time (s)",
        "requests",
        "pages/s",
        "users/s",
        "429s",
        `% of bound (${sustained} pages/s)`,
        "% of fastest possible",
        `target (≥ ${percent(target)} of bound, no 429)`
      ],
      body
    )
  ].join("\n")
}

const memorySection = (input: Input) => {
  const rows = input.memory.map((row) => {
    const m = row.measurement
    return typeof m === "string"
      ? [names[row.impl], row.users.toLocaleString("en-US"), `failed: ${m}`, "", "", "", ""]
      : [
        names[row.impl],
        row.users.toLocaleString("en-US"),
        mb(m.peakRssBytes),
        row.peaks.map(mb).join(", "),
        mb(m.baselineRssBytes),
        mb(m.liveHeapBytes),
        fixed(m.elapsedMs / 1000)
      ]
  })
  const [small, big] = input.settings.memoryUsers
  const growth = (["effect-workos", "workos-node"] as const).map((impl) => {
    const at = (users: number | undefined) =>
      input.memory.find((r) => r.impl === impl && r.users === users)?.measurement
    const a = at(small)
    const b = at(big)
    if (a === undefined || b === undefined || typeof a === "string" || typeof b === "string") {
      return [names[impl], "", "", "", ""]
    }
    const grown = (b.peakRssBytes - a.peakRssBytes) / 1024 / 1024
    return [
      names[impl],
      mb(a.peakRssBytes),
      mb(b.peakRssBytes),
      fixed(grown, 1),
      impl === "effect-workos" ? (grown < 50 ? "met" : "**missed**") : "—"
    ]
  })
  return [
    "### 3. Memory: one directory streamed with no latency and no limits",
    "",
    table(
      [
        "client",
        "users",
        "peak RSS (MB, median)",
        "every run's peak (MB)",
        "RSS before (MB)",
        "live heap at the end (MB)",
        "time (s)"
      ],
      rows
    ),
    "",
    table(
      [
        "client",
        `peak at ${small?.toLocaleString("en-US")}`,
        `peak at ${big?.toLocaleString("en-US")}`,
        "growth (MB)",
        "target (< 50 MB)"
      ],
      growth
    )
  ].join("\n")
}

// Decoding a page as the client does, at most this many times `JSON.parse` of the same text.
const decodeTarget = 3

const cpuSection = (input: Input) => {
  const d = input.decode
  const decodeTable = typeof d === "string"
    ? `Decode measurement failed: ${d}`
    : table(
      [
        "page",
        "JSON.parse (µs/user)",
        "plain Schema decode (µs/user)",
        "÷ parse",
        "one-pass decode (µs/user)",
        "÷ parse",
        "as `WorkOSClient.json` runs it (µs/user)",
        "÷ parse",
        `target (≤ ${decodeTarget}× parse)`
      ],
      [[
        `${d.usersPerPage} users, ${(d.pageBytes / 1024).toFixed(1)} KiB`,
        fixed(d.parseMicros),
        fixed(d.decodeMicros),
        `${fixed(d.decodeMicros / d.parseMicros, 1)}×`,
        fixed(d.onePassMicros),
        `${fixed(d.onePassMicros / d.parseMicros, 1)}×`,
        fixed(d.decodeFreshMicros),
        `${fixed(d.decodeFreshMicros / d.parseMicros, 1)}×`,
        d.decodeFreshMicros / d.parseMicros <= decodeTarget ? "met" : "**missed**"
      ]]
    )
  const loop = input.loopback.map((row) => {
    const m = row.measurement
    return typeof m === "string"
      ? [names[row.impl], `failed: ${m}`, ""]
      : [names[row.impl], String(m.count), fixed(m.count / (m.elapsedMs / 1000), 0)]
  })
  return [
    "### 4. CPU",
    "",
    decodeTable,
    "",
    `One page of 100 users (\`listUsers({ directory, limit: 100 })\`) after another for ${input.settings.loopbackSeconds} s over loopback, no latency, no limits:`,
    "",
    table(["client", "requests", "requests/s"], loop)
  ].join("\n")
}

const ratio = (
  a: Measurement | string | undefined,
  b: Measurement | string | undefined,
  f: (x: Measurement) => number
) =>
  a === undefined || b === undefined || typeof a === "string" || typeof b === "string"
    ? "n/a"
    : `${fixed(f(a) / f(b))}×`

const ratiosSection = (input: Input) => {
  const pick = <R extends RateRow>(rows: ReadonlyArray<R>, impl: Impl, where: (r: R) => boolean = () => true) =>
    rows.find((r) => r.impl === impl && where(r))?.measurement
  const time = (m: Measurement) => m.elapsedMs
  const big = input.settings.memoryUsers[input.settings.memoryUsers.length - 1]
  const rows = [
    [
      "1. one directory: SDK time ÷ this client's time",
      ratio(pick(input.directory.rows, "workos-node"), pick(input.directory.rows, "effect-workos"), time)
    ],
    [
      "2. ten directories: SDK time ÷ this client's time",
      ratio(pick(input.organization.rows, "workos-node"), pick(input.organization.rows, "effect-workos"), time)
    ],
    [
      `3. peak RSS at ${big?.toLocaleString("en-US")} users: SDK ÷ this client`,
      ratio(
        pick(input.memory, "workos-node", (r) => r.users === big),
        pick(input.memory, "effect-workos", (r) => r.users === big),
        (m) => m.peakRssBytes
      )
    ],
    [
      "4. loopback requests/s: this client ÷ SDK",
      ratio(pick(input.loopback, "effect-workos"), pick(input.loopback, "workos-node"), (m) => m.count / m.elapsedMs)
    ]
  ]
  return ["### Ratios", "", table(["comparison", "ratio"], rows)].join("\n")
}

export const render = (input: Input): { readonly console: string; readonly markdown: string } => {
  const { machine, settings } = input
  const sections = [
    ratiosSection(input),
    rateSection(
      `1. One directory of ${
        settings.usersPerDirectory.toLocaleString("en-US")
      } users, ${settings.latencyMs} ms latency, limits enforced`,
      input.directory,
      settings.latencyMs,
      0.95
    ),
    rateSection(
      `2. ${settings.directories} directories of ${
        settings.usersPerDirectory.toLocaleString("en-US")
      } users at once, ${settings.latencyMs} ms latency, limits enforced`,
      input.organization,
      settings.latencyMs,
      0.9
    ),
    rateSection(
      `2b. The same 10 directories under CPU contention (a second process busy on one core)`,
      input.contention,
      settings.latencyMs,
      0.9
    ),
    memorySection(input),
    cpuSection(input)
  ].join("\n\n")
  const markdown = `# Benchmarks

Written by \`pnpm bench\` (\`bench/run.ts\`); do not edit by hand.

- Machine: ${machine.cpus} × ${machine.cpuModel}, ${mb(machine.memoryBytes)} MB memory, ${machine.platform}
- Node ${machine.node}; run ${machine.date}, took ${fixed(settings.durationSeconds, 0)} s
- Server: the localhost fake of \`@effect-workos/testing/Server\` in the parent process. Limits, when enforced, are
  WorkOS's (4 requests per second per directory on \`/directory_users\`, 6,000 per minute per key): a request over
  them gets a 429. Latency is added by the fake to every request (\`Faults.latency\`).
- Clients, each in its own child process: effect-workos (this client: \`WorkOSClient\` with its default limits and
  retries, over \`NodeHttpClient.layerUndici\`; default \`prefetch: 1\`) and workos-node (\`@workos-inc/node\`
  ${settings.sdkVersion}). Scenarios 1 and 3 run \`streamUsers({ directory })\` against
  \`listUsers({ directory }).then((list) => list.autoPagination())\`. Scenario 2 runs \`DirectorySync.streamOrganizationUsers({ organizationId, concurrency: ${settings.concurrency} })\` and, for the SDK,
  \`listDirectories({ organizationId })\` then every directory's \`listUsers(...).autoPagination()\` under \`Promise.all\`.
- pages/s and users/s count the users delivered (100 a page). "requests" is what the fake received: the SDK fetches
  the first page twice (once with the default limit of 10, once with 100) and sleeps a fixed 350 ms between pages.
- The bound is WorkOS's limit: 4 pages/s per directory (each page is one request), 40 pages/s for ten;
  "% of bound" = pages/s ÷ bound, and the targets are read on it. On ${input.directory.pages} pages a run gains from the
  first second, when 4 requests go at once, so "% of fastest possible" also compares with the least time any client
  can take under the enforced limits: 4 requests per directory in any second, one page after another (each needs
  the previous cursor), ${settings.latencyMs} ms each, plus the directory listing in scenario 2, with no safety margin at all.
  This client holds a request's place from its sending until a window after its answer (the latest moment the
  server can have counted it), plus a 25 ms margin.
- CPU contention (2b): scenario 2 again while another process (\`node -e "for (;;) {}"\`) keeps one of the cores
  busy for the whole run; the target is the same (≥ 90% of the bound, no 429).
- Memory: peak RSS of the client's process (sampled every 20 ms, and the kernel's high-water mark), the median of
  ${settings.memoryRuns} runs, no latency,
  limits off in the fake and in this client; the client runs under \`tsx\`, which accounts for most of the RSS before
  the first request. "Live heap" is the heap in use after a full GC once every user has arrived, with the client's
  result still held: what the client retains, as opposed to garbage V8 has not collected yet. The SDK's
  \`autoPagination()\` keeps every user in one array; its 350 ms pause between pages is cut to 0 in these runs only
  (2,000 pages would take 12 minutes otherwise).
- CPU: one full page as the fake serves it (100 users with roles, custom and raw attributes and embedded groups),
  decoded with plain \`Schema.decodeUnknownEither(Pagination.Page(DirectoryUser))\` built once and with \`WorkOSClient\`'s
  options (the wire side, then the type side again), with the client's one-pass decoder compiled from the same
  Schemas, and as \`WorkOSClient.json\` runs it (the one-pass decoder as an Effect made per response; the target
  is read on this one), against \`JSON.parse\` of the same text; every figure excludes the parse: the best of 5 interleaved
  rounds, ${settings.decodeSeconds} s per variant. Loopback requests/s: sequential requests, server and client on the same two cores.

${sections}
`
  return { console: sections, markdown }
}
