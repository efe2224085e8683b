/**
 * The fake's records: what it stores of directories, users, groups,
 * memberships and events. The bottom layer of the fake: the store, the wire
 * encoders and the public `FakeWorkOS` module build on these; nothing here
 * imports any of them.
 *
 * @internal
 */

/**
 * A directory's state as REST reports it (events say `active`/`inactive` for `linked`/`unlinked`).
 *
 * @internal
 */
export type DirectoryState = "linked" | "unlinked" | "validating" | "invalid_credentials" | "deleting"

/**
 * A directory as the fake stores it. Timestamps are `YYYY-MM-DDTHH:mm:ss.sssZ`.
 *
 * @internal
 */
export interface DirectoryRecord {
  readonly id: string
  readonly organizationId: string | null
  readonly externalKey: string
  readonly type: string
  readonly state: DirectoryState
  readonly name: string
  readonly domain: string | null
  readonly createdAt: string
  readonly updatedAt: string
}

/**
 * A user's state.
 *
 * @internal
 */
export type UserState = "active" | "inactive" | "suspended"

/**
 * A role reference.
 *
 * @internal
 */
export interface Role {
  readonly slug: string
}

/**
 * A directory user as the fake stores it. `role`/`roles` are left out of the wire when `null`.
 *
 * @internal
 */
export interface UserRecord {
  readonly id: string
  readonly directoryId: string
  readonly organizationId: string | null
  readonly idpId: string
  readonly email: string | null
  readonly firstName: string | null
  readonly lastName: string | null
  readonly name: string | null
  readonly state: UserState
  readonly customAttributes: Readonly<Record<string, unknown>>
  readonly rawAttributes: Readonly<Record<string, unknown>>
  readonly role: Role | null
  readonly roles: ReadonlyArray<Role> | null
  readonly createdAt: string
  readonly updatedAt: string
}

/**
 * A directory group as the fake stores it.
 *
 * @internal
 */
export interface GroupRecord {
  readonly id: string
  readonly idpId: string
  readonly directoryId: string
  readonly organizationId: string | null
  readonly name: string
  readonly rawAttributes: Readonly<Record<string, unknown>>
  readonly createdAt: string
  readonly updatedAt: string
}

/**
 * A directory's active SCIM bearer token, as the fake stores it (WorkOS keeps up to 2 per directory).
 *
 * @internal
 */
export interface DirectoryTokenRecord {
  readonly id: string
  readonly directoryId: string
  readonly organizationId: string | null
  /** The last characters of the token. */
  readonly tokenSuffix: string
  readonly createdAt: string
}

/**
 * A user's membership of a group (same directory).
 *
 * @internal
 */
export interface Membership {
  readonly userId: string
  readonly groupId: string
}

/**
 * A recorded event in the wire form `GET /events` serves.
 *
 * @internal
 */
export interface Event {
  readonly object: "event"
  readonly id: string
  readonly event: string
  readonly data: Readonly<Record<string, unknown>>
  readonly created_at: string
}

/**
 * Records the fake starts with (e.g. from `Generators.generate`). No events are recorded for them.
 *
 * @internal
 */
export interface Data {
  readonly directories?: ReadonlyArray<DirectoryRecord> | undefined
  readonly users?: ReadonlyArray<UserRecord> | undefined
  readonly groups?: ReadonlyArray<GroupRecord> | undefined
  readonly memberships?: ReadonlyArray<Membership> | undefined
}
