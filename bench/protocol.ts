/**
 * What the orchestrator (`run.ts`) asks of a measuring child (`client.ts`)
 * and what the child answers. One measurement per child process, so memory
 * peaks and JIT state never mix.
 */

/** Which client drives the requests. */
export type Impl = "effect-workos" | "workos-node"

/** Where the fake listens and the key it accepts. */
export interface Target {
  readonly baseUrl: string
  readonly port: number
  readonly apiKey: string
}

export type Task =
  /** Every user of one directory: `streamUsers` vs `listUsers().autoPagination()`. */
  | {
    readonly kind: "directory"
    readonly impl: Impl
    readonly target: Target
    readonly directory: string
    /** This client's own rate limits (off for the memory runs, where the fake enforces none). */
    readonly rateLimit: boolean
    /**
     * workos-node only: its fixed 350 ms pause between pages fires at once.
     * Used for the memory runs, whose 2,000 pages would otherwise take 12 minutes.
     */
    readonly skipSdkPause: boolean
  }
  /** Every user of every directory of an organization, directories concurrently. */
  | {
    readonly kind: "organization"
    readonly impl: Impl
    readonly target: Target
    readonly organizationId: string
    readonly concurrency: number
  }
  /** Sequential single-page requests (100 users) for `seconds`. */
  | {
    readonly kind: "loopback"
    readonly impl: Impl
    readonly target: Target
    readonly directory: string
    readonly seconds: number
  }
  /** Decode cost of one full page fetched from the fake, against `JSON.parse` alone. */
  | {
    readonly kind: "decode"
    readonly target: Target
    readonly directory: string
    readonly seconds: number
  }

export interface Measurement {
  /** Users received (loopback: requests completed). */
  readonly count: number
  readonly elapsedMs: number
  /** RSS once the client is built, before the first request. */
  readonly baselineRssBytes: number
  /** Highest RSS seen: sampled every 20 ms, and the kernel's high-water mark. */
  readonly peakRssBytes: number
  /** Heap in use after a full GC once every user was received, with the client's result still held. */
  readonly liveHeapBytes: number
}

export interface DecodeMeasurement {
  readonly usersPerPage: number
  readonly pageBytes: number
  /** Microseconds per user. */
  readonly parseMicros: number
  /** Plain `Schema.decodeUnknownEither`: the wire side, then the type side again. */
  readonly decodeMicros: number
  /** The client's one-pass decoder (`Either`). */
  readonly onePassMicros: number
  /** Decoding as `WorkOSClient.json` does: the one-pass decoder as an Effect, made for each response, run. */
  readonly decodeFreshMicros: number
}

export type Answer =
  | { readonly _tag: "Measurement"; readonly value: Measurement }
  | { readonly _tag: "DecodeMeasurement"; readonly value: DecodeMeasurement }
  | { readonly _tag: "Failed"; readonly message: string }

/** The line prefix a child prints its answer on. */
export const answerPrefix = "BENCH_ANSWER "
