/**
 * The in-memory store: immutable maps in a `Ref`, one writer at a time, each
 * transaction working on its own copy that replaces the state on success.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import type * as MirrorStore from "../MirrorStore.js"
import * as Codec from "./codec.js"
import { matches } from "./scan.js"

type Tables = { readonly [K in MirrorStore.Kind]: HashMap.HashMap<string, MirrorStore.Rows[K]> }

interface State {
  readonly head: MirrorStore.Head
  readonly tables: Tables
  readonly tombstones: HashMap.HashMap<string, number>
}

const initial: State = {
  head: { seq: 0, after: null, afterAt: null, rangeStart: null, caughtUpAt: null },
  tables: {
    directory: HashMap.empty(),
    user: HashMap.empty(),
    group: HashMap.empty(),
    membership: HashMap.empty()
  },
  tombstones: HashMap.empty()
}

const sorted = <A extends { readonly id: string }>(rows: Iterable<A>): Array<A> =>
  Array.from(rows).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

const writer = (ref: Ref.Ref<State>): MirrorStore.Writer => {
  const update = (f: (state: State) => State) => Ref.update(ref, f)
  const table = <K extends MirrorStore.Kind>(kind: K) => Effect.map(Ref.get(ref), (state) => state.tables[kind])
  const setTable = <K extends MirrorStore.Kind>(
    kind: K,
    f: (rows: HashMap.HashMap<string, MirrorStore.Rows[K]>) => HashMap.HashMap<string, MirrorStore.Rows[K]>
  ) => update((state) => ({ ...state, tables: { ...state.tables, [kind]: f(state.tables[kind]) } }))
  return {
    lock: Effect.map(
      Ref.updateAndGet(ref, (state) => ({ ...state, head: { ...state.head, seq: state.head.seq + 1 } })),
      (state) => state.head
    ),
    setHead: (patch) => update((state) => ({ ...state, head: { ...state.head, ...patch } })),
    get: (kind, ids) =>
      Effect.map(table(kind), (rows) => {
        const found = new Map<string, MirrorStore.Rows[typeof kind]>()
        for (const id of ids) Option.map(HashMap.get(rows, id), (row) => found.set(id, row))
        return found
      }),
    put: (kind, rows) => setTable(kind, (table) => rows.reduce((acc, row) => HashMap.set(acc, row.id, row), table)),
    remove: (kind, ids) => setTable(kind, (table) => ids.reduce((acc, id) => HashMap.remove(acc, id), table)),
    see: (kind, ids, seen) =>
      setTable(kind, (table) =>
        ids.reduce(
          (acc, id) => HashMap.modify(acc, id, (row) => ({ ...row, seen })),
          table
        )),
    scan: (kind, scan, limit) =>
      Effect.map(
        table(kind),
        (rows) => sorted(Array.from(HashMap.values(rows)).filter((row) => matches(row, scan))).slice(0, limit)
      ),
    tombstoned: (kind, ids) =>
      Effect.map(Ref.get(ref), (state) => new Set(ids.filter((id) => HashMap.has(state.tombstones, `${kind}:${id}`)))),
    tombstone: (kind, entries, seq) =>
      update((state) => ({
        ...state,
        tombstones: entries.reduce((acc, entry) => HashMap.set(acc, `${kind}:${entry.id}`, seq), state.tombstones)
      })),
    markAllPending: (seq) =>
      setTable(
        "directory",
        (table) =>
          HashMap.map(table, (row): MirrorStore.DirectoryRow => ({ ...row, phase: "pending", pendingSeq: seq }))
      )
  }
}

/** @internal */
export const make: Effect.Effect<MirrorStore.Service> = Effect.gen(function*() {
  const state = yield* Ref.make(initial)
  const lock = yield* Effect.makeSemaphore(1)
  const rowsOf = <K extends MirrorStore.Kind>(kind: K) =>
    Effect.map(Ref.get(state), (current) => sorted(HashMap.values(current.tables[kind])))
  const memberships = (scan: MirrorStore.Scan) =>
    Effect.map(rowsOf("membership"), (rows) => rows.filter((row) => matches(row, { ...scan, presentOnly: true })))
  const one = <K extends "directory" | "user" | "group", A>(
    kind: K,
    decode: (data: string) => Effect.Effect<A, MirrorStore.MirrorStoreError>
  ) =>
  (id: string) =>
    Effect.flatMap(
      Ref.get(state),
      (current) =>
        Option.match(HashMap.get(current.tables[kind], id), {
          onNone: () => Effect.succeedNone,
          onSome: (row) => Effect.asSome(decode(row.data))
        })
    )
  const users = (filter: MirrorStore.UserFilter = {}) =>
    Stream.unwrap(Effect.gen(function*() {
      const members = filter.groupId === undefined
        ? undefined
        : new Set((yield* memberships({ groupId: filter.groupId })).map((row) => row.userId))
      const rows = (yield* rowsOf("user")).filter((row) =>
        (filter.directoryId === undefined || row.directoryId === filter.directoryId) &&
        (filter.organizationId === undefined || row.organizationId === filter.organizationId) &&
        (filter.state === undefined || row.state === filter.state) &&
        (filter.email === undefined || row.email === filter.email) &&
        (members === undefined || members.has(row.id))
      )
      return Stream.mapEffect(Stream.fromIterable(rows), (row) => Codec.user.decode(row.data))
    }))
  const groups = (filter: MirrorStore.GroupFilter = {}) =>
    Stream.unwrap(Effect.gen(function*() {
      const of = filter.userId === undefined
        ? undefined
        : new Set((yield* memberships({ userId: filter.userId })).map((row) => row.groupId))
      const rows = (yield* rowsOf("group")).filter((row) =>
        (filter.directoryId === undefined || row.directoryId === filter.directoryId) &&
        (of === undefined || of.has(row.id))
      )
      return Stream.mapEffect(Stream.fromIterable(rows), (row) => Codec.group.decode(row.data))
    }))
  const service: MirrorStore.Service = {
    users,
    getUser: one("user", Codec.user.decode),
    groups,
    getGroup: one("group", Codec.group.decode),
    directories: () =>
      Stream.unwrap(
        Effect.map(rowsOf("directory"), (rows) =>
          Stream.mapEffect(Stream.fromIterable(rows), (row) => Codec.directory.decode(row.data)))
      ),
    getDirectory: one("directory", Codec.directory.decode),
    syncStates: Effect.map(
      rowsOf("directory"),
      (rows) => rows.map((row) => ({ directoryId: row.id, phase: row.phase, lastFullSyncAt: row.lastFullSyncAt }))
    ),
    counts: (directoryId) =>
      Effect.map(Ref.get(state), (current) => {
        const count = <K extends "user" | "group" | "membership">(kind: K) =>
          Array.from(HashMap.values(current.tables[kind])).filter((row) =>
            matches(row, { directoryId, presentOnly: true })
          ).length
        return { users: count("user"), groups: count("group"), memberships: count("membership") }
      }),
    head: Effect.map(Ref.get(state), (current) => current.head),
    transaction: (body) =>
      lock.withPermits(1)(Effect.uninterruptible(Effect.gen(function*() {
        const working = yield* Ref.make(yield* Ref.get(state))
        const result = yield* body(writer(working))
        yield* Ref.set(state, yield* Ref.get(working))
        return result
      })))
  }
  return service
})
