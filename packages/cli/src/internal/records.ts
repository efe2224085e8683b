/**
 * How directories, users and groups are shown: their wire form (what WorkOS
 * sends, re-encoded from the decoded models) and their columns.
 */
import { Directory, DirectoryGroup, DirectoryUser } from "@effect-workos/core"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Format from "../Format.js"

/** A directory as WorkOS sends it. */
export type DirectoryWire = Schema.Schema.Encoded<typeof Directory.Directory>
/** A user as WorkOS sends it. */
export type UserWire = Schema.Schema.Encoded<typeof DirectoryUser.DirectoryUser>
/** A group as WorkOS sends it. */
export type GroupWire = Schema.Schema.Encoded<typeof DirectoryGroup.DirectoryGroup>

// The models were decoded from these very shapes a moment ago: encoding them back cannot fail.
const encoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const encode = Schema.encode(schema)
  return (records: ReadonlyArray<A>) => Effect.orDie(Effect.forEach(records, (record) => encode(record)))
}

/** Re-encodes decoded directories to their wire form. */
export const encodeDirectories = encoder(Directory.Directory)
/** Re-encodes decoded users to their wire form. */
export const encodeUsers = encoder(DirectoryUser.DirectoryUser)
/** Re-encodes decoded groups to their wire form. */
export const encodeGroups = encoder(DirectoryGroup.DirectoryGroup)

const json = (value: unknown): string | null => value === undefined || value === null ? null : JSON.stringify(value)

const column = <A>(name: string, get: (record: A) => Format.Cell): Format.Column<A> => ({ name, get })

const directoryColumns = {
  id: column<DirectoryWire>("id", (d) => d.id),
  organization: column<DirectoryWire>("organization_id", (d) => d.organization_id),
  name: column<DirectoryWire>("name", (d) => d.name),
  type: column<DirectoryWire>("type", (d) => d.type),
  state: column<DirectoryWire>("state", (d) => d.state),
  domain: column<DirectoryWire>("domain", (d) => d.domain),
  externalKey: column<DirectoryWire>("external_key", (d) => d.external_key),
  createdAt: column<DirectoryWire>("created_at", (d) => d.created_at),
  updatedAt: column<DirectoryWire>("updated_at", (d) => d.updated_at)
}

/** Directories: id, organization_id, name, type, state, domain, external_key, created_at, updated_at. */
export const directoryLayout: Format.Layout<DirectoryWire> = {
  columns: Object.values(directoryColumns),
  tableColumns: [
    directoryColumns.id,
    directoryColumns.name,
    directoryColumns.type,
    directoryColumns.state,
    directoryColumns.organization
  ],
  json: (d) => d
}

const userColumns = {
  id: column<UserWire>("id", (u) => u.id),
  directory: column<UserWire>("directory_id", (u) => u.directory_id),
  organization: column<UserWire>("organization_id", (u) => u.organization_id),
  idpId: column<UserWire>("idp_id", (u) => u.idp_id),
  email: column<UserWire>("email", (u) => u.email),
  firstName: column<UserWire>("first_name", (u) => u.first_name),
  lastName: column<UserWire>("last_name", (u) => u.last_name),
  name: column<UserWire>("name", (u) => u.name),
  state: column<UserWire>("state", (u) => u.state),
  role: column<UserWire>("role", (u) => u.role?.slug),
  roles: column<UserWire>("roles", (u) => json(u.roles?.map((role) => role.slug))),
  createdAt: column<UserWire>("created_at", (u) => u.created_at),
  updatedAt: column<UserWire>("updated_at", (u) => u.updated_at),
  customAttributes: column<UserWire>("custom_attributes", (u) => json(u.custom_attributes ?? {}))
}

/**
 * Users: id, directory_id, organization_id, idp_id, email, first_name,
 * last_name, name, state, role, roles, created_at, updated_at,
 * custom_attributes (JSON text).
 */
export const userLayout: Format.Layout<UserWire> = {
  columns: Object.values(userColumns),
  tableColumns: [userColumns.id, userColumns.email, userColumns.firstName, userColumns.lastName, userColumns.state],
  json: (u) => u
}

const groupColumns = {
  id: column<GroupWire>("id", (g) => g.id),
  directory: column<GroupWire>("directory_id", (g) => g.directory_id),
  organization: column<GroupWire>("organization_id", (g) => g.organization_id),
  idpId: column<GroupWire>("idp_id", (g) => g.idp_id),
  name: column<GroupWire>("name", (g) => g.name),
  createdAt: column<GroupWire>("created_at", (g) => g.created_at),
  updatedAt: column<GroupWire>("updated_at", (g) => g.updated_at)
}

/** Groups: id, directory_id, organization_id, idp_id, name, created_at, updated_at. */
export const groupLayout: Format.Layout<GroupWire> = {
  columns: Object.values(groupColumns),
  tableColumns: [groupColumns.id, groupColumns.name, groupColumns.idpId, groupColumns.directory],
  json: (g) => g
}
