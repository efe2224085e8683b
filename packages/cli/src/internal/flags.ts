/**
 * Flags shared by the list and get commands.
 */
import { Pagination } from "@effect-workos/core"
import * as Options from "@effect/cli/Options"
import * as Option from "effect/Option"
import * as Format from "../Format.js"

/** `--format table|json|ndjson|csv`. */
export const format = Options.choice("format", Format.formats).pipe(
  Options.withAlias("f"),
  Options.withDescription("Output: table (for people), json (one array), ndjson (one object a line) or csv (RFC 4180)"),
  Options.withDefault<Format.Format>("table")
)

/** A filter sent to WorkOS as is. */
export const filter = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.optional)

/** `--limit N`: stop after N records. */
export const limit = Options.integer("limit").pipe(
  Options.withAlias("n"),
  Options.withDescription("Stop after this many records (default: all of them, page by page)"),
  Options.optional
)

/** The cursor and order flags every list takes. */
export const paging = {
  order: Options.choice("order", Pagination.orders).pipe(
    Options.withDescription("Order by creation time (WorkOS's default: desc)"),
    Options.optional
  ),
  after: filter("after", "Start after this object id (a cursor)"),
  before: filter("before", "Start before this object id (a cursor)")
}

/** Parsed paging flags. */
export interface Paging {
  readonly order: Option.Option<Pagination.Order>
  readonly after: Option.Option<string>
  readonly before: Option.Option<string>
  readonly limit: Option.Option<number>
}

/**
 * Page options for the core stream: the page size is the wanted count when
 * it is under 100 and nothing is filtered here (a client-side filter may
 * drop records, so it reads full pages).
 */
export const pageOptions = (paging: Paging, filteredHere: boolean) => ({
  order: Option.getOrUndefined(paging.order),
  after: Option.getOrUndefined(paging.after),
  before: Option.getOrUndefined(paging.before),
  limit: Option.match(paging.limit, {
    onNone: () => undefined,
    onSome: (n) => filteredHere || n < 1 ? undefined : Math.min(100, n)
  })
})
