/**
 * Records to the JSON WorkOS sends: snake_case, `object` on every resource,
 * REST directory states (`linked`/`unlinked`) in REST answers and the event
 * vocabulary (`active`/`inactive`) in events.
 *
 * @internal
 */
import type * as Records from "./records.js"

/** A JSON object as sent on the wire. @internal */
export type WireObject = Readonly<Record<string, unknown>>

/** @internal */
export const directory = (
  record: Records.DirectoryRecord,
  metadata: { readonly users: { readonly active: number; readonly inactive: number }; readonly groups: number }
): WireObject => ({
  object: "directory",
  id: record.id,
  organization_id: record.organizationId,
  external_key: record.externalKey,
  type: record.type,
  state: record.state,
  name: record.name,
  ...(record.domain === null ? {} : { domain: record.domain }),
  metadata,
  created_at: record.createdAt,
  updated_at: record.updatedAt
})

const eventStates: Readonly<Record<string, string>> = { linked: "active", unlinked: "inactive" }

const eventDirectory = (record: Records.DirectoryRecord): WireObject => ({
  object: "directory",
  id: record.id,
  organization_id: record.organizationId,
  type: record.type,
  state: eventStates[record.state] ?? record.state,
  name: record.name,
  created_at: record.createdAt,
  updated_at: record.updatedAt
})

/** `dsync.activated` data: the event directory with `external_key` and `domains`. @internal */
export const activatedDirectory = (record: Records.DirectoryRecord): WireObject => ({
  ...eventDirectory(record),
  external_key: record.externalKey,
  domains: record.domain === null
    ? []
    : [{
      object: "organization_domain",
      id: `org_domain_${record.id.slice(record.id.lastIndexOf("_") + 1)}`,
      domain: record.domain
    }]
})

/** `dsync.deleted` data: the event directory without `external_key` and `domains`. @internal */
export const deletedDirectory = eventDirectory

/** A user as events carry it (no `groups`). @internal */
export const user = (record: Records.UserRecord): WireObject => ({
  object: "directory_user",
  id: record.id,
  directory_id: record.directoryId,
  organization_id: record.organizationId,
  idp_id: record.idpId,
  email: record.email,
  first_name: record.firstName,
  last_name: record.lastName,
  name: record.name,
  state: record.state,
  custom_attributes: record.customAttributes,
  raw_attributes: record.rawAttributes,
  ...(record.role === null ? {} : { role: record.role }),
  ...(record.roles === null ? {} : { roles: record.roles }),
  created_at: record.createdAt,
  updated_at: record.updatedAt
})

/** A group. @internal */
export const group = (record: Records.GroupRecord): WireObject => ({
  object: "directory_group",
  id: record.id,
  idp_id: record.idpId,
  directory_id: record.directoryId,
  organization_id: record.organizationId,
  name: record.name,
  raw_attributes: record.rawAttributes,
  created_at: record.createdAt,
  updated_at: record.updatedAt
})

/** `dsync.token.created` and `dsync.token.revoked` data. @internal */
export const directoryToken = (record: Records.DirectoryTokenRecord): WireObject => ({
  object: "directory_token",
  id: record.id,
  directory_id: record.directoryId,
  organization_id: record.organizationId,
  token_suffix: record.tokenSuffix,
  created_at: record.createdAt
})

/** A user as REST answers it: with the deprecated embedded `groups`. @internal */
export const userWithGroups = (
  record: Records.UserRecord,
  groups: ReadonlyArray<Records.GroupRecord>
): WireObject => ({ ...user(record), groups: groups.map(group) })

/** `current` plus `previous_attributes`: the old values of the fields that changed (`null` when absent). @internal */
export const withPreviousAttributes = (current: WireObject, previous: WireObject): WireObject => {
  const changed: Record<string, unknown> = {}
  for (const key of new Set([...Object.keys(previous), ...Object.keys(current)])) {
    if (key === "updated_at") continue
    if (JSON.stringify(current[key]) !== JSON.stringify(previous[key])) changed[key] = previous[key] ?? null
  }
  return { ...current, previous_attributes: changed }
}
