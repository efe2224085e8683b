/**
 * The `DirectoryGroup` model: a group synced from a directory.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Attributes, nullableString, required, timestamp } from "./internal/fields.js"

/**
 * A directory group, decoded from the wire's snake_case.
 *
 * @since 0.1.0
 * @category models
 */
export class DirectoryGroup extends Schema.Class<DirectoryGroup>("@effect-workos/core/DirectoryGroup")({
  /** `directory_group_...` */
  id: Schema.String,
  /** The provider's id for the group. */
  idpId: required(Schema.String, "idp_id"),
  directoryId: required(Schema.String, "directory_id"),
  /** The organization (`null` if WorkOS sends none). */
  organizationId: nullableString("organization_id"),
  name: Schema.String,
  /** What the provider sent, when WorkOS includes it. */
  rawAttributes: Schema.optionalWith(Attributes, { nullable: true }).pipe(Schema.fromKey("raw_attributes")),
  createdAt: timestamp("created_at"),
  updatedAt: timestamp("updated_at")
}) {}
