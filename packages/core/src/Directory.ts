/**
 * The `Directory` model: a connection to an identity provider or HR system.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { nullableString, required, timestamp } from "./internal/fields.js"
import { openEnum } from "./internal/openEnum.js"

/**
 * The provider behind a directory. Open: a type WorkOS adds later decodes and keeps its string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DirectoryType = openEnum(
  "azure scim v2.0",
  "bamboohr",
  "breathe hr",
  "cezanne hr",
  "cyberark scim v2.0",
  "fourth hr",
  "generic scim v2.0",
  "gsuite directory",
  "gusto",
  "hibob",
  "jump cloud scim v2.0",
  "okta scim v2.0",
  "onelogin scim v2.0",
  "people hr",
  "personio",
  "pingfederate scim v2.0",
  "rippling",
  "rippling scim v2.0",
  "s3",
  "sailpoint scim v2.0",
  "sftp",
  "sftp workday",
  "workday"
)

/**
 * A directory's provider type: one of the known ones, or any string WorkOS adds later.
 *
 * @since 0.1.0
 * @category models
 */
export type DirectoryType = typeof DirectoryType.Type

/**
 * A directory's state, in the vocabulary events use. Open: an unknown state keeps its string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DirectoryState = openEnum("active", "inactive", "validating", "invalid_credentials", "deleting")

/**
 * A directory's state (`active`, `inactive`, `validating`, `invalid_credentials`, `deleting`, or a newer one).
 *
 * @since 0.1.0
 * @category models
 */
export type DirectoryState = typeof DirectoryState.Type

const fromWire: Record<string, DirectoryState> = { linked: "active", unlinked: "inactive" }
const toWire: Record<string, string> = { active: "linked", inactive: "unlinked" }

/**
 * REST sends `linked`/`unlinked` where events send `active`/`inactive`; both
 * decode to the event vocabulary, and encoding gives back the REST words.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DirectoryStateFromWire: Schema.Schema<DirectoryState, string> = Schema.transform(
  Schema.String,
  DirectoryState,
  {
    strict: true,
    // Own keys only: a state named like an `Object.prototype` member (`toString`) is a string like any other.
    decode: (wire) => Object.hasOwn(fromWire, wire) ? fromWire[wire]! : wire,
    encode: (state) => Object.hasOwn(toWire, state) ? toWire[state]! : state
  }
)

/**
 * Aggregate counts WorkOS reports for a directory.
 *
 * @since 0.1.0
 * @category models
 */
export class DirectoryMetadata extends Schema.Class<DirectoryMetadata>("@effect-workos/core/DirectoryMetadata")({
  users: Schema.Struct({ active: Schema.Number, inactive: Schema.Number }),
  groups: Schema.Number
}) {}

/**
 * A directory, decoded from the wire's snake_case.
 *
 * @since 0.1.0
 * @category models
 */
export class Directory extends Schema.Class<Directory>("@effect-workos/core/Directory")({
  /** `directory_...` */
  id: Schema.String,
  /** The organization the directory belongs to (`null` if WorkOS sends none). */
  organizationId: nullableString("organization_id"),
  /** WorkOS's external key for the directory. */
  externalKey: required(Schema.String, "external_key"),
  type: DirectoryType,
  state: DirectoryStateFromWire,
  name: Schema.String,
  /** The domain of an enterprise client, when set. */
  domain: Schema.optionalWith(Schema.String, { nullable: true }),
  /** Counts of users and groups, when WorkOS includes them. */
  metadata: Schema.optionalWith(DirectoryMetadata, { nullable: true }),
  createdAt: timestamp("created_at"),
  updatedAt: timestamp("updated_at")
}) {}
