/**
 * Directory Sync events: a Schema union of every `dsync.*` event, decoded
 * into the same models as the REST client, with a fallback member that keeps
 * the raw payload of any event this library does not know. One decoder serves
 * webhooks and the Events API alike.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { ParseOptions } from "effect/SchemaAST"
import { Directory } from "./Directory.js"
import { DirectoryGroup } from "./DirectoryGroup.js"
import { DirectoryUser } from "./DirectoryUser.js"
import { Attributes, attributes, nullableString, required, timestamp } from "./internal/fields.js"

/**
 * The name of every Directory Sync event this library decodes into a typed member.
 *
 * @since 0.1.0
 * @category constants
 */
export const eventNames = [
  "dsync.activated",
  "dsync.deleted",
  "dsync.user.created",
  "dsync.user.updated",
  "dsync.user.deleted",
  "dsync.group.created",
  "dsync.group.updated",
  "dsync.group.deleted",
  "dsync.group.user_added",
  "dsync.group.user_removed",
  "dsync.token.created",
  "dsync.token.revoked"
] as const

/**
 * A known Directory Sync event name.
 *
 * @since 0.1.0
 * @category models
 */
export type EventName = typeof eventNames[number]

const envelope = {
  /** `event_...` (Events API) or the webhook delivery's event id. */
  id: Schema.String,
  /** When WorkOS recorded the event. */
  createdAt: timestamp("created_at"),
  /** Extra context WorkOS attaches (actor, analytics ids), as sent; absent on most webhooks. */
  context: Schema.optionalWith(Attributes, { nullable: true })
}

// The decoded union's discriminator, `switch (event._tag)` or `Match.tag`: set on decoding
// and construction, never sent (the wire discriminates by `event`).
const tagField = <const Tag extends string>(tag: Tag) =>
  Schema.optionalToRequired(Schema.Literal(tag), Schema.Literal(tag), {
    decode: () => tag,
    encode: () => Option.none()
  }).pipe(Schema.withConstructorDefault(() => tag))

// One class per event: the shared envelope, its tag, the wire name that discriminates
// decoding (filled in by the constructor), and the typed data.
const event = <Self>() =>
<const Tag extends string, const Name extends EventName, Data extends Schema.Schema.Any>(
  tag: Tag,
  name: Name,
  data: Data
) =>
  Schema.Class<Self>(`@effect-workos/core/DirectorySyncEvent/${name}`)({
    ...envelope,
    _tag: tagField(tag),
    event: Schema.Literal(name).pipe(Schema.propertySignature, Schema.withConstructorDefault(() => name)),
    data
  })

/**
 * A domain of the organization a directory belongs to.
 *
 * @since 0.1.0
 * @category models
 */
export class OrganizationDomain extends Schema.Class<OrganizationDomain>("@effect-workos/core/OrganizationDomain")({
  /** `org_domain_...` */
  id: Schema.String,
  domain: Schema.String
}) {}

/**
 * The directory in a `dsync.activated` event: a `Directory` plus its
 * organization's domains. Its state is already in the event vocabulary
 * (`active`, `inactive`, ...); REST words are mapped the same way if sent.
 *
 * @since 0.1.0
 * @category models
 */
export class ActivatedDirectory extends Directory.extend<ActivatedDirectory>(
  "@effect-workos/core/ActivatedDirectory"
)({
  /** The organization's domains (`[]` when absent). */
  domains: Schema.optionalWith(Schema.Array(OrganizationDomain), { nullable: true, default: () => [] })
}) {}

const { domain: _domain, externalKey: _externalKey, metadata: _metadata, ...deletedDirectoryFields } = Directory.fields

/**
 * The directory in a `dsync.deleted` event: what remains of a `Directory`
 * (no external key, domain or domains).
 *
 * @since 0.1.0
 * @category models
 */
export class DeletedDirectory extends Schema.Class<DeletedDirectory>("@effect-workos/core/DeletedDirectory")(
  deletedDirectoryFields
) {}

/**
 * The user in a `dsync.user.updated` event, with the changed fields' old values.
 *
 * @since 0.1.0
 * @category models
 */
export class UpdatedDirectoryUser extends DirectoryUser.extend<UpdatedDirectoryUser>(
  "@effect-workos/core/UpdatedDirectoryUser"
)({
  /** Old values of the fields that changed, keyed by wire name (e.g. `{ first_name: "Al" }`); `{}` when absent. */
  previousAttributes: attributes("previous_attributes")
}) {}

/**
 * The group in a `dsync.group.updated` event, with the changed fields' old values.
 *
 * @since 0.1.0
 * @category models
 */
export class UpdatedDirectoryGroup extends DirectoryGroup.extend<UpdatedDirectoryGroup>(
  "@effect-workos/core/UpdatedDirectoryGroup"
)({
  /** Old values of the fields that changed, keyed by wire name (e.g. `{ name: "Eng" }`); `{}` when absent. */
  previousAttributes: attributes("previous_attributes")
}) {}

/**
 * A user joining or leaving a group.
 *
 * @since 0.1.0
 * @category models
 */
export class GroupMembership extends Schema.Class<GroupMembership>("@effect-workos/core/GroupMembership")({
  directoryId: required(Schema.String, "directory_id"),
  user: DirectoryUser,
  group: DirectoryGroup
}) {}

/**
 * A directory's SCIM bearer token, created or revoked.
 *
 * @since 0.1.0
 * @category models
 */
export class DirectoryToken extends Schema.Class<DirectoryToken>("@effect-workos/core/DirectoryToken")({
  /** `directory_token_...` */
  id: Schema.String,
  directoryId: required(Schema.String, "directory_id"),
  /** The organization (`null` if WorkOS sends none). */
  organizationId: nullableString("organization_id"),
  /** The last characters of the token, to tell tokens apart. */
  tokenSuffix: required(Schema.String, "token_suffix"),
  createdAt: timestamp("created_at")
}) {}

/**
 * `dsync.activated`: a directory finished connecting.
 *
 * @since 0.1.0
 * @category models
 */
export class DirectoryActivated
  extends event<DirectoryActivated>()("DirectoryActivated", "dsync.activated", ActivatedDirectory)
{}

/**
 * `dsync.deleted`: a directory was deleted.
 *
 * @since 0.1.0
 * @category models
 */
export class DirectoryDeleted
  extends event<DirectoryDeleted>()("DirectoryDeleted", "dsync.deleted", DeletedDirectory)
{}

/**
 * `dsync.user.created`: a user appeared in a directory.
 *
 * @since 0.1.0
 * @category models
 */
export class UserCreated extends event<UserCreated>()("UserCreated", "dsync.user.created", DirectoryUser) {}

/**
 * `dsync.user.updated`: a user changed; `data.previousAttributes` holds the old values.
 *
 * @since 0.1.0
 * @category models
 */
export class UserUpdated extends event<UserUpdated>()("UserUpdated", "dsync.user.updated", UpdatedDirectoryUser) {}

/**
 * `dsync.user.deleted`: a user left a directory.
 *
 * @since 0.1.0
 * @category models
 */
export class UserDeleted extends event<UserDeleted>()("UserDeleted", "dsync.user.deleted", DirectoryUser) {}

/**
 * `dsync.group.created`: a group appeared in a directory.
 *
 * @since 0.1.0
 * @category models
 */
export class GroupCreated extends event<GroupCreated>()("GroupCreated", "dsync.group.created", DirectoryGroup) {}

/**
 * `dsync.group.updated`: a group changed; `data.previousAttributes` holds the old values.
 *
 * @since 0.1.0
 * @category models
 */
export class GroupUpdated extends event<GroupUpdated>()("GroupUpdated", "dsync.group.updated", UpdatedDirectoryGroup) {}

/**
 * `dsync.group.deleted`: a group left a directory.
 *
 * @since 0.1.0
 * @category models
 */
export class GroupDeleted extends event<GroupDeleted>()("GroupDeleted", "dsync.group.deleted", DirectoryGroup) {}

/**
 * `dsync.group.user_added`: a user joined a group.
 *
 * @since 0.1.0
 * @category models
 */
export class GroupUserAdded
  extends event<GroupUserAdded>()("GroupUserAdded", "dsync.group.user_added", GroupMembership)
{}

/**
 * `dsync.group.user_removed`: a user left a group.
 *
 * @since 0.1.0
 * @category models
 */
export class GroupUserRemoved
  extends event<GroupUserRemoved>()("GroupUserRemoved", "dsync.group.user_removed", GroupMembership)
{}

/**
 * `dsync.token.created`: a directory bearer token was created.
 *
 * @since 0.1.0
 * @category models
 */
export class TokenCreated extends event<TokenCreated>()("TokenCreated", "dsync.token.created", DirectoryToken) {}

/**
 * `dsync.token.revoked`: a directory bearer token was revoked.
 *
 * @since 0.1.0
 * @category models
 */
export class TokenRevoked extends event<TokenRevoked>()("TokenRevoked", "dsync.token.revoked", DirectoryToken) {}

const known: ReadonlySet<string> = new Set(eventNames)

/**
 * An event name outside `eventNames`. Branded so that switching on `event`
 * narrows each known name to its own member.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UnknownEventName = Schema.String.pipe(
  Schema.filter((name) => !known.has(name), {
    message: (issue) => `${JSON.stringify(issue.actual)} is a known event: its payload must match its typed member`
  }),
  Schema.brand("@effect-workos/core/UnknownEventName")
)

/**
 * An event name outside `eventNames` (branded).
 *
 * @since 0.1.0
 * @category models
 */
export type UnknownEventName = typeof UnknownEventName.Type

/**
 * An event this library does not know (a type WorkOS added later, or a
 * non-Directory-Sync event on the same endpoint): the name and the raw `data`
 * as sent, so it never breaks a consumer.
 *
 * @since 0.1.0
 * @category models
 */
export class UnknownEvent extends Schema.Class<UnknownEvent>("@effect-workos/core/DirectorySyncEvent/unknown")({
  ...envelope,
  _tag: tagField("UnknownEvent"),
  event: UnknownEventName,
  /** The payload exactly as sent (snake_case keys). */
  data: Schema.Unknown
}) {}

/**
 * Schema of an event as WorkOS sends it (a webhook body or an Events API
 * item), discriminated by `event`. A known event name whose data has the wrong
 * shape fails to decode; an unknown name decodes to `UnknownEvent`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DirectorySyncEvent = Schema.Union(
  DirectoryActivated,
  DirectoryDeleted,
  UserCreated,
  UserUpdated,
  UserDeleted,
  GroupCreated,
  GroupUpdated,
  GroupDeleted,
  GroupUserAdded,
  GroupUserRemoved,
  TokenCreated,
  TokenRevoked,
  UnknownEvent
).annotations({ identifier: "DirectorySyncEvent" })

/**
 * Every Directory Sync event, plus `UnknownEvent`. Switch on `_tag` to narrow to one member:
 * `event` holds the wire name, and since `UnknownEvent`'s can be any string it cannot narrow alone.
 *
 * @since 0.1.0
 * @category models
 */
export type DirectorySyncEvent = typeof DirectorySyncEvent.Type

/**
 * An event on the wire (snake_case, ISO timestamps).
 *
 * @since 0.1.0
 * @category models
 */
export type Encoded = typeof DirectorySyncEvent.Encoded

/**
 * Decodes a parsed JSON value (webhook body or Events API item) into an event.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeUnknown: (
  input: unknown,
  options?: ParseOptions
) => Effect.Effect<DirectorySyncEvent, ParseResult.ParseError> = Schema.decodeUnknown(DirectorySyncEvent)

/**
 * Decodes a parsed JSON value into an event, synchronously, as an `Either`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeUnknownEither: (
  input: unknown,
  options?: ParseOptions
) => Either.Either<DirectorySyncEvent, ParseResult.ParseError> = Schema.decodeUnknownEither(DirectorySyncEvent)
