/**
 * The `DirectoryUser` model: a person synced from a directory, with optional
 * typed custom attributes through a Schema of your own.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Attributes, attributes, nullableString, required, timestamp } from "./internal/fields.js"
import { openEnum } from "./internal/openEnum.js"
import { Timestamp } from "./internal/timestamp.js"

/**
 * A user's state. WorkOS folded `suspended` into `inactive` in 2023 but the
 * spec still lists it. Open: an unknown state keeps its string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DirectoryUserState = openEnum("active", "inactive", "suspended")

/**
 * A user's state (`active`, `inactive`, `suspended`, or a newer one).
 *
 * @since 0.1.0
 * @category models
 */
export type DirectoryUserState = typeof DirectoryUserState.Type

/**
 * A role reference.
 *
 * @since 0.1.0
 * @category models
 */
export class Role extends Schema.Class<Role>("@effect-workos/core/Role")({
  slug: Schema.String
}) {}

/**
 * An entry of the deprecated `emails` array.
 *
 * @since 0.1.0
 * @category models
 */
export class Email extends Schema.Class<Email>("@effect-workos/core/Email")({
  primary: Schema.optional(Schema.Boolean),
  type: Schema.optional(Schema.String),
  value: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })
}) {}

/**
 * A group embedded in a user's deprecated `groups` array. Older payloads trim
 * these to a few fields, so only `id` and `name` are required.
 *
 * @since 0.1.0
 * @category models
 */
export class DirectoryUserGroup extends Schema.Class<DirectoryUserGroup>("@effect-workos/core/DirectoryUserGroup")({
  id: Schema.String,
  name: Schema.String,
  idpId: Schema.optional(Schema.String).pipe(Schema.fromKey("idp_id")),
  directoryId: Schema.optional(Schema.String).pipe(Schema.fromKey("directory_id")),
  organizationId: Schema.optionalWith(Schema.String, { nullable: true }).pipe(Schema.fromKey("organization_id")),
  rawAttributes: Schema.optionalWith(Attributes, { nullable: true }).pipe(Schema.fromKey("raw_attributes")),
  createdAt: Schema.optional(Timestamp).pipe(Schema.fromKey("created_at")),
  updatedAt: Schema.optional(Timestamp).pipe(Schema.fromKey("updated_at"))
}) {}

/**
 * Custom attributes when no Schema is given for them: any JSON object.
 *
 * @since 0.1.0
 * @category models
 */
export type CustomAttributes = { readonly [key: string]: unknown }

const fields = {
  /** `directory_user_...` */
  id: Schema.String,
  directoryId: required(Schema.String, "directory_id"),
  /** The organization (`null` if WorkOS sends none, as older webhooks did). */
  organizationId: nullableString("organization_id"),
  /** The provider's id for the user. */
  idpId: required(Schema.String, "idp_id"),
  /** The primary email (`null` when the user has none). */
  email: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  firstName: nullableString("first_name"),
  lastName: nullableString("last_name"),
  /** Full name. */
  name: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  state: DirectoryUserState,
  /** Attributes mapped in the WorkOS dashboard (`{}` when absent). */
  customAttributes: attributes("custom_attributes"),
  /** What the provider sent (deprecated by WorkOS; `{}` when absent). */
  rawAttributes: attributes("raw_attributes"),
  /** The primary role, when roles are enabled. */
  role: Schema.optionalWith(Role, { nullable: true }),
  /** Every role, when roles are enabled. */
  roles: Schema.optionalWith(Schema.Array(Role), { nullable: true }),
  /** Deprecated by WorkOS (use `listGroups({ user })`); `[]` when absent. */
  groups: Schema.optionalWith(Schema.Array(DirectoryUserGroup), { nullable: true, default: () => [] }),
  /** Deprecated by WorkOS; kept when sent. */
  emails: Schema.optionalWith(Schema.Array(Email), { nullable: true }),
  /** Deprecated by WorkOS; kept when sent. */
  username: Schema.optionalWith(Schema.String, { nullable: true }),
  /** Deprecated by WorkOS; kept when sent. */
  jobTitle: Schema.optionalWith(Schema.String, { nullable: true }).pipe(Schema.fromKey("job_title")),
  createdAt: timestamp("created_at"),
  updatedAt: timestamp("updated_at")
}

/**
 * A directory user, decoded from the wire's snake_case.
 *
 * @since 0.1.0
 * @category models
 */
export class DirectoryUser extends Schema.Class<DirectoryUser>("@effect-workos/core/DirectoryUser")(fields) {}

/**
 * A directory user whose custom attributes were decoded with your Schema.
 *
 * @since 0.1.0
 * @category models
 */
export type WithCustomAttributes<A> = Omit<DirectoryUser, "customAttributes"> & { readonly customAttributes: A }

/**
 * The wire shape of a user whose custom attributes are encoded as `I`.
 *
 * @since 0.1.0
 * @category models
 */
export type WithCustomAttributesEncoded<I> =
  & Omit<Schema.Struct.Encoded<typeof fields>, "custom_attributes">
  & { readonly custom_attributes: I }

/**
 * The user schema with `custom_attributes` decoded by `schema`: a user whose
 * attributes do not match fails to decode, naming the attribute.
 *
 * @since 0.1.0
 * @category schemas
 */
export const withCustomAttributes = <A, I, R>(
  schema: Schema.Schema<A, I, R>
): Schema.Schema<WithCustomAttributes<A>, WithCustomAttributesEncoded<I>, R> =>
  Schema.Struct({ ...fields, customAttributes: required(schema, "custom_attributes") })
