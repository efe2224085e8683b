/**
 * An in-memory WorkOS: directories, users, groups, memberships and the
 * `dsync.*` events their changes record, behind the real REST routes. Serve
 * it in memory with `layerHttpClient` (the real core client runs unchanged
 * over it) or on a port with `@effect-workos/testing/Server`.
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Faults from "./Faults.js"
import * as Ids from "./internal/ids.js"
import * as InMemory from "./internal/inMemory.js"
import * as Prng from "./internal/prng.js"
import type * as Records from "./internal/records.js"
import * as Routes from "./internal/routes.js"
import * as Sorted from "./internal/sorted.js"
import * as Store from "./internal/store.js"

/**
 * The API key the fake accepts unless its seed says otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultApiKey = "sk_test_fake_workos"

/**
 * A directory's state as REST reports it (events say `active`/`inactive` for `linked`/`unlinked`).
 *
 * @since 0.1.0
 * @category models
 */
export type DirectoryState = Records.DirectoryState

/**
 * A directory as the fake stores it. Timestamps are `YYYY-MM-DDTHH:mm:ss.sssZ`.
 *
 * @since 0.1.0
 * @category models
 */
export type DirectoryRecord = Records.DirectoryRecord

/**
 * A user's state.
 *
 * @since 0.1.0
 * @category models
 */
export type UserState = Records.UserState

/**
 * A role reference.
 *
 * @since 0.1.0
 * @category models
 */
export type Role = Records.Role

/**
 * A directory user as the fake stores it. `role`/`roles` are left out of the wire when `null`.
 *
 * @since 0.1.0
 * @category models
 */
export type UserRecord = Records.UserRecord

/**
 * A directory group as the fake stores it.
 *
 * @since 0.1.0
 * @category models
 */
export type GroupRecord = Records.GroupRecord

/**
 * A directory's active SCIM bearer token as the fake stores it (`addDirectoryToken`).
 *
 * @since 0.1.0
 * @category models
 */
export type DirectoryTokenRecord = Records.DirectoryTokenRecord

/**
 * A user's membership of a group (same directory).
 *
 * @since 0.1.0
 * @category models
 */
export type Membership = Records.Membership

/**
 * A recorded event in the wire form `GET /events` serves.
 *
 * @since 0.1.0
 * @category models
 */
export type Event = Records.Event

/**
 * Records the fake starts with (e.g. from `Generators.generate`). No events are recorded for them.
 *
 * @since 0.1.0
 * @category models
 */
export type Data = Records.Data

/**
 * How long WorkOS keeps events, and so how long the fake lists them unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultEventRetention: Duration.Duration = Duration.days(30)

/**
 * How `GET /events` treats time, measured on the fake's `Clock` (a `TestClock`
 * in tests, so a test can let a month pass in an instant).
 *
 * - Events older than `retention` are no longer listed. A request whose
 *   `after` (or `before`) cursor is such an expired event, or an id the fake
 *   never recorded, is answered `400 { message, code: "invalid_events_request" }`
 *   (the core client fails with `BadRequestError`). What WorkOS answers for an
 *   expired cursor is undocumented; this is the fake's choice, shaped like the
 *   one `/events` 400 on record.
 * - An event younger than `holdBack` is not listed yet, though it is already
 *   a valid cursor (WorkOS holds fresh events back from cursor reads for a few
 *   seconds; the exact delay is undocumented). Events become visible in the
 *   order they were recorded, so a poll right after a change (or a webhook)
 *   finds nothing and a consumer must poll again later.
 *
 * `fake.events` returns every recorded event regardless of either setting.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventOptions {
  /** Default `defaultEventRetention` (30 days). */
  readonly retention?: Duration.DurationInput | undefined
  /** Default 0: an event is listed as soon as it is recorded. */
  readonly holdBack?: Duration.DurationInput | undefined
}

/**
 * How a fake starts: its data, the API key it accepts, its faults, how it
 * lists events, and the seed of the generator behind new ids and request ids.
 *
 * @since 0.1.0
 * @category models
 */
export interface Seed extends Data {
  /** Default `defaultApiKey`. */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /** Faults and enforced rate limits (default: none). */
  readonly faults?: Faults.Options | undefined
  /** Event retention and hold-back (default: 30 days, none). */
  readonly events?: EventOptions | undefined
  /** Default 0. */
  readonly randomSeed?: number | undefined
}

/**
 * A new directory; everything but `name` has a default (state `linked`, type
 * `okta scim v2.0`, a new organization id, created now).
 *
 * @since 0.1.0
 * @category models
 */
export interface DirectoryInput {
  readonly name: string
  readonly id?: string | undefined
  /** WorkOS always sends one: `null` is refused (`FakeWorkOSError` `Invalid`); a new id when left out. */
  readonly organizationId?: string | undefined
  readonly externalKey?: string | undefined
  readonly type?: string | undefined
  readonly state?: DirectoryState | undefined
  readonly domain?: string | null | undefined
  readonly createdAt?: DateTime.DateTime.Input | undefined
}

/**
 * A new user of `directoryId`; state `active` unless given, `name` from first and last name.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserInput {
  readonly directoryId: string
  readonly id?: string | undefined
  readonly idpId?: string | undefined
  readonly email?: string | null | undefined
  readonly firstName?: string | null | undefined
  readonly lastName?: string | null | undefined
  readonly name?: string | null | undefined
  readonly state?: UserState | undefined
  readonly customAttributes?: Readonly<Record<string, unknown>> | undefined
  readonly rawAttributes?: Readonly<Record<string, unknown>> | undefined
  readonly role?: Role | null | undefined
  readonly roles?: ReadonlyArray<Role> | null | undefined
  readonly createdAt?: DateTime.DateTime.Input | undefined
}

/**
 * A new group of `directoryId`.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupInput {
  readonly directoryId: string
  readonly name: string
  readonly id?: string | undefined
  readonly idpId?: string | undefined
  readonly rawAttributes?: Readonly<Record<string, unknown>> | undefined
  readonly createdAt?: DateTime.DateTime.Input | undefined
}

type Patch<A, K extends keyof A> = { readonly [P in K]?: A[P] | undefined }

/**
 * Fields of a directory to change. `organizationId` cannot become `null`: WorkOS always sends one.
 *
 * @since 0.1.0
 * @category models
 */
export type DirectoryPatch = Patch<DirectoryRecord, "name" | "externalKey" | "type" | "state" | "domain"> & {
  readonly organizationId?: string | undefined
}

/**
 * Fields of a user to change.
 *
 * @since 0.1.0
 * @category models
 */
export type UserPatch = Patch<
  UserRecord,
  | "idpId"
  | "email"
  | "firstName"
  | "lastName"
  | "name"
  | "state"
  | "customAttributes"
  | "rawAttributes"
  | "role"
  | "roles"
>

/**
 * Fields of a group to change.
 *
 * @since 0.1.0
 * @category models
 */
export type GroupPatch = Patch<GroupRecord, "name" | "idpId" | "rawAttributes">

/**
 * A change the fake refused: an unknown id (`NotFound`), an id already taken
 * (`Conflict`), or inconsistent input (`Invalid`).
 *
 * @since 0.1.0
 * @category errors
 */
export class FakeWorkOSError extends Schema.TaggedError<FakeWorkOSError>("@effect-workos/testing/FakeWorkOSError")(
  "FakeWorkOSError",
  {
    reason: Schema.Literal("NotFound", "Conflict", "Invalid"),
    message: Schema.String
  }
) {}

/**
 * The fake: its state, the changes a directory provider would make, and the
 * `HttpApp` that serves it. Every change records its `dsync.*` event.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The API key the routes accept now. */
  readonly apiKey: Effect.Effect<Redacted.Redacted<string>>
  /** Accepts only `key` from now on: the old key gets 401, as after a key rotation. */
  readonly setApiKey: (key: string | Redacted.Redacted<string>) => Effect.Effect<void>
  /** Fault injection and counters of what was served. */
  readonly faults: Faults.Service
  /** The REST routes over this state, faults applied. */
  readonly httpApp: HttpApp.Default

  readonly getDirectory: (id: string) => Effect.Effect<DirectoryRecord, FakeWorkOSError>
  readonly getUser: (id: string) => Effect.Effect<UserRecord, FakeWorkOSError>
  readonly getGroup: (id: string) => Effect.Effect<GroupRecord, FakeWorkOSError>
  /** Every directory, oldest first. */
  readonly directories: Effect.Effect<ReadonlyArray<DirectoryRecord>>
  /** The users of a directory, oldest first. */
  readonly usersOf: (directoryId: string) => Effect.Effect<ReadonlyArray<UserRecord>, FakeWorkOSError>
  /** The groups of a directory, oldest first. */
  readonly groupsOf: (directoryId: string) => Effect.Effect<ReadonlyArray<GroupRecord>, FakeWorkOSError>
  /** The groups a user belongs to, oldest first. */
  readonly groupsOfUser: (userId: string) => Effect.Effect<ReadonlyArray<GroupRecord>, FakeWorkOSError>
  /** Every recorded event, oldest first. */
  readonly events: Effect.Effect<ReadonlyArray<Event>>

  /** Adds a directory; records `dsync.activated`. */
  readonly addDirectory: (input: DirectoryInput) => Effect.Effect<DirectoryRecord, FakeWorkOSError>
  /** Changes a directory; records `dsync.activated` when it becomes `linked`. */
  readonly updateDirectory: (id: string, patch: DirectoryPatch) => Effect.Effect<DirectoryRecord, FakeWorkOSError>
  /** Removes a directory with its users and groups; records `dsync.deleted`. */
  readonly removeDirectory: (id: string) => Effect.Effect<DirectoryRecord, FakeWorkOSError>
  /** Adds a user; records `dsync.user.created`. */
  readonly addUser: (input: UserInput) => Effect.Effect<UserRecord, FakeWorkOSError>
  /** Changes a user; records `dsync.user.updated` with `previous_attributes`. */
  readonly updateUser: (id: string, patch: UserPatch) => Effect.Effect<UserRecord, FakeWorkOSError>
  /** Removes a user and its memberships; records `dsync.user.deleted`. */
  readonly removeUser: (id: string) => Effect.Effect<UserRecord, FakeWorkOSError>
  /**
   * Adds a SCIM bearer token to a directory; records `dsync.token.created`. A
   * directory has at most 2 active tokens (`Invalid` beyond).
   */
  readonly addDirectoryToken: (directoryId: string) => Effect.Effect<DirectoryTokenRecord, FakeWorkOSError>
  /** Revokes an active token; records `dsync.token.revoked`. */
  readonly revokeDirectoryToken: (tokenId: string) => Effect.Effect<DirectoryTokenRecord, FakeWorkOSError>
  /** Adds a group; records `dsync.group.created`. */
  readonly addGroup: (input: GroupInput) => Effect.Effect<GroupRecord, FakeWorkOSError>
  /** Changes a group; records `dsync.group.updated` with `previous_attributes`. */
  readonly updateGroup: (id: string, patch: GroupPatch) => Effect.Effect<GroupRecord, FakeWorkOSError>
  /** Removes a group and its memberships; records `dsync.group.deleted`. */
  readonly removeGroup: (id: string) => Effect.Effect<GroupRecord, FakeWorkOSError>
  /** Adds a user to a group of its directory; records `dsync.group.user_added` (nothing if already a member). */
  readonly addUserToGroup: (userId: string, groupId: string) => Effect.Effect<void, FakeWorkOSError>
  /** Removes a user from a group; records `dsync.group.user_removed` (nothing if not a member). */
  readonly removeUserFromGroup: (userId: string, groupId: string) => Effect.Effect<void, FakeWorkOSError>
}

/**
 * The fake WorkOS.
 *
 * @since 0.1.0
 * @category tags
 */
export class FakeWorkOS extends Context.Tag("@effect-workos/testing/FakeWorkOS")<FakeWorkOS, Service>() {}

const toError = (failure: Store.Failure) => new FakeWorkOSError(failure)

const toRedacted = (key: string | Redacted.Redacted<string>) => Redacted.isRedacted(key) ? key : Redacted.make(key)

const orElse = <A>(value: A | undefined, fallback: A): A => value === undefined ? fallback : value

const alphanumeric = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"]

// What every part of a fake shares: its state, its id generator, and atomic reads and changes.
interface Core {
  readonly state: Ref.Ref<Store.Store>
  readonly ids: Ids.IdGenerator
  readonly token: (length: number) => string
  readonly read: <A>(f: (store: Store.Store) => Either.Either<A, Store.Failure>) => Effect.Effect<A, FakeWorkOSError>
  /** Applies a change atomically at the current time. */
  readonly change: <A>(
    f: (store: Store.Store, stamp: Store.Stamp) => Store.Change<A>
  ) => Effect.Effect<A, FakeWorkOSError>
}

const makeCore = (seed: Seed): Effect.Effect<Core, FakeWorkOSError> =>
  Effect.gen(function*() {
    const random = Prng.make(seed.randomSeed ?? 0)
    const ids = Ids.make(random)
    const state = yield* Ref.make(yield* Either.mapLeft(Store.seed(seed), toError))
    return {
      state,
      ids,
      token: (length) => Array.from({ length }, () => random.pick(alphanumeric)).join(""),
      read: (f) => Effect.flatMap(Ref.get(state), (store) => Either.mapLeft(f(store), toError)),
      change: <A>(f: (store: Store.Store, stamp: Store.Stamp) => Store.Change<A>) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.flatten(Ref.modify(state, (store): readonly [Effect.Effect<A, FakeWorkOSError>, Store.Store] =>
            Either.match(f(store, { now, id: ids.next }), {
              onLeft: (failure) =>
                [Effect.fail(toError(failure)), store] as const,
              onRight: ([value, next]) =>
                [Effect.succeed(value), next] as const
            }))))
    }
  })

const creationTime = (input: DateTime.DateTime.Input | undefined, now: number) =>
  input === undefined
    ? Either.right(now)
    : Either.fromOption(
      Option.map(DateTime.make(input), DateTime.toEpochMillis),
      (): Store.Failure => ({ reason: "Invalid", message: `createdAt is not a date: ${String(input)}` })
    )

// `updated_at` never goes back, even when the clock (a TestClock) is behind the data.
const touched = (record: { readonly updatedAt: string }, now: number) =>
  Ids.iso(Math.max(now, Date.parse(record.updatedAt)))

const ordered = <A>(index: Store.Index, map: Store.ById<A>) =>
  Array.from(Sorted.values(index)).flatMap((id) => Sorted.get(map, id) ?? [])

type Queries = Pick<
  Service,
  "getDirectory" | "getUser" | "getGroup" | "directories" | "usersOf" | "groupsOf" | "groupsOfUser" | "events"
>

const queries = ({ read, state }: Core): Queries => ({
  getDirectory: (id) => read((store) => Store.directory(store, id)),
  getUser: (id) => read((store) => Either.map(Store.user(store, id), (entry) => entry.record)),
  getGroup: (id) => read((store) => Store.group(store, id)),
  directories: Effect.map(Ref.get(state), (store) => ordered(store.directoryIndex, store.directories)),
  usersOf: (directoryId) =>
    read((store) =>
      Either.map(
        Store.directory(store, directoryId),
        () => ordered(Store.indexOf(store.usersByDirectory, directoryId), store.users).map((entry) => entry.record)
      )
    ),
  groupsOf: (directoryId) =>
    read((store) =>
      Either.map(
        Store.directory(store, directoryId),
        () => ordered(Store.indexOf(store.groupsByDirectory, directoryId), store.groups)
      )
    ),
  groupsOfUser: (userId) =>
    read((store) => Either.map(Store.user(store, userId), (entry) => Store.groupsOf(store, entry))),
  events: Effect.map(Ref.get(state), (store) => ordered(store.eventIndex, store.events).map(({ event }) => event))
})

const newDirectory = ({ ids, token }: Core, input: DirectoryInput, time: number): DirectoryRecord => {
  const createdAt = Ids.iso(time)
  return {
    id: input.id ?? ids.next("directory_", time),
    organizationId: input.organizationId === undefined ? ids.next("org_", time) : input.organizationId,
    externalKey: input.externalKey ?? token(16),
    type: input.type ?? "okta scim v2.0",
    state: input.state ?? "linked",
    name: input.name,
    domain: input.domain ?? null,
    createdAt,
    updatedAt: createdAt
  }
}

// WorkOS serves every directory with an organization: `organization_id: null` is never sent.
const checkOrganization = (organizationId: unknown): Either.Either<void, Store.Failure> =>
  organizationId === undefined || (typeof organizationId === "string" && organizationId.length > 0)
    ? Either.void
    : Either.left({ reason: "Invalid", message: "A directory's organizationId must be a non-empty string." })

const directoryChanges = (core: Core): Pick<Service, "addDirectory" | "updateDirectory" | "removeDirectory"> => ({
  addDirectory: (input) =>
    core.change((store, stamp) =>
      Either.flatMap(
        Either.flatMap(checkOrganization(input.organizationId), () => creationTime(input.createdAt, stamp.now)),
        (time) => Store.addDirectory(store, stamp, newDirectory(core, input, time))
      )
    ),
  updateDirectory: (id, patch) =>
    core.change((store, stamp) =>
      Either.flatMap(
        checkOrganization(patch.organizationId),
        () =>
          Store.updateDirectory(store, stamp, id, (record) => ({
            ...record,
            name: orElse(patch.name, record.name),
            organizationId: orElse(patch.organizationId, record.organizationId),
            externalKey: orElse(patch.externalKey, record.externalKey),
            type: orElse(patch.type, record.type),
            state: orElse(patch.state, record.state),
            domain: orElse(patch.domain, record.domain),
            updatedAt: touched(record, stamp.now)
          }))
      )
    ),
  removeDirectory: (id) => core.change((store, stamp) => Store.removeDirectory(store, stamp, id))
})

const newUser = ({ ids, token }: Core, input: UserInput, directory: DirectoryRecord, time: number): UserRecord => {
  const createdAt = Ids.iso(time)
  const firstName = input.firstName ?? null
  const lastName = input.lastName ?? null
  const fullName = [firstName, lastName].filter((part) => part !== null).join(" ")
  return {
    id: input.id ?? ids.next("directory_user_", time),
    directoryId: directory.id,
    organizationId: directory.organizationId,
    idpId: input.idpId ?? token(20),
    email: input.email ?? null,
    firstName,
    lastName,
    name: input.name === undefined ? (fullName === "" ? null : fullName) : input.name,
    state: input.state ?? "active",
    customAttributes: input.customAttributes ?? {},
    rawAttributes: input.rawAttributes ?? {},
    role: input.role ?? null,
    roles: input.roles ?? null,
    createdAt,
    updatedAt: createdAt
  }
}

const patchUser = (record: UserRecord, patch: UserPatch, now: number): UserRecord => ({
  ...record,
  idpId: orElse(patch.idpId, record.idpId),
  email: orElse(patch.email, record.email),
  firstName: orElse(patch.firstName, record.firstName),
  lastName: orElse(patch.lastName, record.lastName),
  name: orElse(patch.name, record.name),
  state: orElse(patch.state, record.state),
  customAttributes: orElse(patch.customAttributes, record.customAttributes),
  rawAttributes: orElse(patch.rawAttributes, record.rawAttributes),
  role: orElse(patch.role, record.role),
  roles: orElse(patch.roles, record.roles),
  updatedAt: touched(record, now)
})

// The directory a new user or group joins, and its creation time.
const placement = (
  store: Store.Store,
  directoryId: string,
  createdAt: DateTime.DateTime.Input | undefined,
  now: number
) => Either.all([Store.directory(store, directoryId), creationTime(createdAt, now)])

const userChanges = (core: Core): Pick<Service, "addUser" | "updateUser" | "removeUser"> => ({
  addUser: (input) =>
    core.change((store, stamp) =>
      Either.flatMap(
        placement(store, input.directoryId, input.createdAt, stamp.now),
        ([directory, time]) => Store.addUser(store, stamp, newUser(core, input, directory, time))
      )
    ),
  updateUser: (id, patch) =>
    core.change((store, stamp) => Store.updateUser(store, stamp, id, (record) => patchUser(record, patch, stamp.now))),
  removeUser: (id) => core.change((store, stamp) => Store.removeUser(store, stamp, id))
})

const newGroup = ({ ids, token }: Core, input: GroupInput, directory: DirectoryRecord, time: number): GroupRecord => {
  const createdAt = Ids.iso(time)
  return {
    id: input.id ?? ids.next("directory_group_", time),
    idpId: input.idpId ?? token(15),
    directoryId: directory.id,
    organizationId: directory.organizationId,
    name: input.name,
    rawAttributes: input.rawAttributes ?? {},
    createdAt,
    updatedAt: createdAt
  }
}

const groupChanges = (
  core: Core
): Pick<Service, "addGroup" | "updateGroup" | "removeGroup" | "addUserToGroup" | "removeUserFromGroup"> => ({
  addGroup: (input) =>
    core.change((store, stamp) =>
      Either.flatMap(
        placement(store, input.directoryId, input.createdAt, stamp.now),
        ([directory, time]) => Store.addGroup(store, stamp, newGroup(core, input, directory, time))
      )
    ),
  updateGroup: (id, patch) =>
    core.change((store, stamp) =>
      Store.updateGroup(store, stamp, id, (record) => ({
        ...record,
        name: orElse(patch.name, record.name),
        idpId: orElse(patch.idpId, record.idpId),
        rawAttributes: orElse(patch.rawAttributes, record.rawAttributes),
        updatedAt: touched(record, stamp.now)
      }))
    ),
  removeGroup: (id) => core.change((store, stamp) => Store.removeGroup(store, stamp, id)),
  addUserToGroup: (userId, groupId) =>
    Effect.asVoid(core.change((store, stamp) => Store.setMembership(store, stamp, { userId, groupId }, true))),
  removeUserFromGroup: (userId, groupId) =>
    Effect.asVoid(core.change((store, stamp) => Store.setMembership(store, stamp, { userId, groupId }, false)))
})

const tokenChanges = ({ change, token }: Core): Pick<Service, "addDirectoryToken" | "revokeDirectoryToken"> => ({
  addDirectoryToken: (directoryId) =>
    change((store, stamp) =>
      Either.flatMap(Store.directory(store, directoryId), (directory) =>
        Store.addToken(store, stamp, {
          id: stamp.id("directory_token_", stamp.now),
          directoryId,
          organizationId: directory.organizationId,
          tokenSuffix: token(4),
          createdAt: Ids.iso(stamp.now)
        }))
    ),
  revokeDirectoryToken: (tokenId) => change((store, stamp) => Store.revokeToken(store, stamp, tokenId))
})

/**
 * Builds a fake from a seed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (seed: Seed = {}): Effect.Effect<Service, FakeWorkOSError> =>
  Effect.gen(function*() {
    const core = yield* makeCore(seed)
    const apiKey = yield* Ref.make(toRedacted(seed.apiKey ?? defaultApiKey))
    const faults = yield* Faults.make(seed.faults)
    const directories = directoryChanges(core)
    const httpApp = Routes.make({
      state: core.state,
      apiKey: Ref.get(apiKey),
      faults,
      requestId: Effect.map(Clock.currentTimeMillis, (now) => core.ids.next("req_", now)),
      events: {
        retention: Duration.toMillis(seed.events?.retention ?? defaultEventRetention),
        holdBack: Duration.toMillis(seed.events?.holdBack ?? Duration.zero)
      },
      removeDirectory: (id) =>
        directories.removeDirectory(id).pipe(
          Effect.as(true),
          Effect.catchTag("FakeWorkOSError", () => Effect.succeed(false))
        )
    })
    return FakeWorkOS.of({
      apiKey: Ref.get(apiKey),
      setApiKey: (key) => Ref.set(apiKey, toRedacted(key)),
      faults,
      httpApp,
      ...queries(core),
      ...directories,
      ...userChanges(core),
      ...groupChanges(core),
      ...tokenChanges(core)
    })
  })

/**
 * A fake seeded with `seed` (e.g. `{ ...Generators.generate({ ... }), apiKey }`).
 * Fails only when the seed is inconsistent (a user of an unknown directory, a repeated id).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (seed?: Seed): Layer.Layer<FakeWorkOS, FakeWorkOSError> => Layer.effect(FakeWorkOS, make(seed))

/**
 * The fake's routes as an `HttpApp`, to serve with any `HttpServer`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const httpApp: HttpApp.Default<never, FakeWorkOS> = Effect.flatMap(FakeWorkOS, (fake) => fake.httpApp)

/**
 * An in-memory `HttpClient` answered by the fake's routes, as WorkOS would
 * answer: the real core client runs unchanged over it, whatever its base URL
 * (only the path and query are read). Injected faults apply; latency uses
 * `Effect.sleep`, so `TestClock` controls it.
 *
 * @example
 * ```ts
 * import { DirectorySync, WorkOSClient } from "@effect-workos/core"
 * import { FakeWorkOS } from "@effect-workos/testing"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * // Your own client options (here: no retries), answered in memory.
 * const TestWorkOS = DirectorySync.layer.pipe(
 *   Layer.provide(WorkOSClient.layer({
 *     apiKey: Redacted.make(FakeWorkOS.defaultApiKey),
 *     baseUrl: "https://api.workos.test",
 *     retry: false
 *   })),
 *   Layer.provide(FakeWorkOS.layerHttpClient),
 *   Layer.provideMerge(FakeWorkOS.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient: Layer.Layer<HttpClient.HttpClient, never, FakeWorkOS> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(FakeWorkOS, (fake) => InMemory.make(fake.httpApp))
)
