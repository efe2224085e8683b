/**
 * A write-behind `Writer` for one transaction: reads are answered from what
 * this transaction already read or wrote, writes stay in memory until `flush`
 * writes each kind back with one multi-row statement. `load` reads every row
 * a page of events touches with one query per kind first, so applying the
 * page needs no query per event.
 *
 * What the transaction sees is what the store would show it: a `scan`,
 * `see` or `markAllPending` (which the store answers itself) first flushes.
 * Everything is written by the same transaction, so a rollback drops it all.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as MirrorStore from "../MirrorStore.js"
import type { MirrorStoreError } from "./errors.js"

type Kind = MirrorStore.Kind
type TombstoneKind = MirrorStore.TombstoneKind

/** Ids to read ahead, by kind. @internal */
export interface Touched {
  readonly rows: { readonly [K in Kind]: ReadonlyArray<string> }
  readonly tombstones: { readonly [K in TombstoneKind]: ReadonlyArray<string> }
}

/** A buffered writer and its two extra steps. @internal */
export interface Buffer {
  readonly writer: MirrorStore.Writer
  readonly load: (touched: Touched) => Effect.Effect<void, MirrorStoreError>
  readonly flush: Effect.Effect<void, MirrorStoreError>
}

// A row as this transaction knows it: the row, or `null` when it is known not to exist.
type Known = { [K in Kind]: Map<string, MirrorStore.Rows[K] | null> }

interface PendingTombstone {
  readonly kind: TombstoneKind
  readonly id: string
  readonly directoryId: string
  readonly seq: number
}

const kinds: ReadonlyArray<Kind> = ["directory", "user", "group", "membership"]
const tombstoneKinds: ReadonlyArray<TombstoneKind> = ["directory", "user", "group"]

// Statements stay well under SQLite's and PostgreSQL's parameter limits.
const chunkSize = 500

const chunks = <A>(values: ReadonlyArray<A>): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < values.length; i += chunkSize) out.push(values.slice(i, i + chunkSize))
  return out
}

/** Wraps `base` (the store's writer, inside its transaction). @internal */
export const make = (base: MirrorStore.Writer): Buffer => {
  const known: Known = { directory: new Map(), user: new Map(), group: new Map(), membership: new Map() }
  const dirty: { readonly [K in Kind]: Set<string> } = {
    directory: new Set(),
    user: new Set(),
    group: new Set(),
    membership: new Set()
  }
  const tombstones: { readonly [K in TombstoneKind]: Map<string, boolean> } = {
    directory: new Map(),
    user: new Map(),
    group: new Map()
  }
  const pendingTombstones: Array<PendingTombstone> = []

  const fetchRows = <K extends Kind>(kind: K, ids: ReadonlyArray<string>) => {
    const table = known[kind]
    const missing = Array.from(new Set(ids.filter((id) => !table.has(id))))
    return Effect.forEach(chunks(missing), (some) =>
      Effect.map(base.get(kind, some), (found) => {
        for (const id of some) table.set(id, found.get(id) ?? null)
      }), { discard: true })
  }

  const fetchTombstones = (kind: TombstoneKind, ids: ReadonlyArray<string>) => {
    const table = tombstones[kind]
    const missing = Array.from(new Set(ids.filter((id) => !table.has(id))))
    return Effect.forEach(chunks(missing), (some) =>
      Effect.map(base.tombstoned(kind, some), (found) => {
        for (const id of some) table.set(id, found.has(id))
      }), { discard: true })
  }

  const flushKind = <K extends Kind>(kind: K) =>
    Effect.suspend(() => {
      const table = known[kind]
      const puts: Array<MirrorStore.Rows[K]> = []
      const removes: Array<string> = []
      for (const id of dirty[kind]) {
        const row = table.get(id)
        if (row === undefined || row === null) removes.push(id)
        else puts.push(row)
      }
      dirty[kind].clear()
      return Effect.zipRight(
        Effect.forEach(chunks(puts), (some) => base.put(kind, some), { discard: true }),
        Effect.forEach(chunks(removes), (some) => base.remove(kind, some), { discard: true })
      )
    })

  const flushTombstones = Effect.suspend(() => {
    const entries = pendingTombstones.splice(0, pendingTombstones.length)
    return Effect.forEach(tombstoneKinds, (kind) => {
      const bySeq = new Map<number, Array<PendingTombstone>>()
      for (const entry of entries) {
        if (entry.kind !== kind) continue
        const list = bySeq.get(entry.seq) ?? []
        list.push(entry)
        bySeq.set(entry.seq, list)
      }
      return Effect.forEach(
        bySeq,
        ([seq, list]) => Effect.forEach(chunks(list), (some) => base.tombstone(kind, some, seq), { discard: true }),
        { discard: true }
      )
    }, { discard: true })
  })

  const flush: Effect.Effect<void, MirrorStoreError> = Effect.zipRight(
    Effect.forEach(kinds, flushKind, { discard: true }),
    flushTombstones
  )

  const writer: MirrorStore.Writer = {
    lock: base.lock,
    setHead: base.setHead,
    get: <K extends Kind>(kind: K, ids: ReadonlyArray<string>) =>
      Effect.map(fetchRows(kind, ids), () => {
        const table = known[kind]
        const found = new Map<string, MirrorStore.Rows[K]>()
        for (const id of ids) {
          const row = table.get(id)
          if (row !== undefined && row !== null) found.set(id, row)
        }
        return found
      }),
    put: (kind, rows) =>
      Effect.sync(() => {
        const table: Map<string, MirrorStore.Rows[typeof kind] | null> = known[kind]
        for (const row of rows) {
          table.set(row.id, row)
          dirty[kind].add(row.id)
        }
      }),
    remove: (kind, ids) =>
      Effect.sync(() => {
        for (const id of ids) {
          known[kind].set(id, null)
          dirty[kind].add(id)
        }
      }),
    see: (kind, ids, seq) =>
      Effect.zipRight(
        flush,
        Effect.zipRight(
          base.see(kind, ids, seq),
          Effect.sync(() => {
            for (const id of ids) known[kind].delete(id)
          })
        )
      ),
    scan: (kind, scan, limit) => Effect.zipRight(flush, base.scan(kind, scan, limit)),
    tombstoned: (kind, ids) =>
      Effect.map(fetchTombstones(kind, ids), () => new Set(ids.filter((id) => tombstones[kind].get(id) === true))),
    tombstone: (kind, entries, seq) =>
      Effect.sync(() => {
        for (const entry of entries) {
          if (tombstones[kind].get(entry.id) === true) continue
          tombstones[kind].set(entry.id, true)
          pendingTombstones.push({ kind, id: entry.id, directoryId: entry.directoryId, seq })
        }
      }),
    markAllPending: (seq) =>
      Effect.zipRight(
        flush,
        Effect.zipRight(base.markAllPending(seq), Effect.sync(() => known.directory.clear()))
      )
  }

  const load = (touched: Touched) =>
    Effect.zipRight(
      Effect.forEach(kinds, (kind) => fetchRows(kind, touched.rows[kind]), { discard: true }),
      Effect.forEach(tombstoneKinds, (kind) => fetchTombstones(kind, touched.tombstones[kind]), { discard: true })
    )

  return { writer, load, flush }
}
