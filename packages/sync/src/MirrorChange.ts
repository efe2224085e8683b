/**
 * What changed in the mirror: one value per directory, user, group or
 * membership added, updated or removed. `DirectoryMirror`'s `onChange` hook
 * receives each one inside the transaction that writes it.
 *
 * @since 0.1.0
 */
import type { Directory } from "@effect-workos/core/Directory"
import type { DirectoryGroup } from "@effect-workos/core/DirectoryGroup"
import type { DirectoryUser } from "@effect-workos/core/DirectoryUser"
import * as Data from "effect/Data"

/**
 * A change the mirror made to its store. Removals of a directory's users,
 * groups and memberships come before the `DirectoryRemoved` itself, and a
 * user's or group's memberships are removed before the user or group, so the
 * changes replayed in order always describe a consistent copy.
 *
 * @since 0.1.0
 * @category models
 */
export type MirrorChange = Data.TaggedEnum<{
  DirectoryAdded: { readonly directory: Directory }
  DirectoryUpdated: { readonly before: Directory; readonly after: Directory }
  DirectoryRemoved: { readonly directory: Directory }
  UserAdded: { readonly user: DirectoryUser }
  UserUpdated: { readonly before: DirectoryUser; readonly after: DirectoryUser }
  UserRemoved: { readonly user: DirectoryUser }
  GroupAdded: { readonly group: DirectoryGroup }
  GroupUpdated: { readonly before: DirectoryGroup; readonly after: DirectoryGroup }
  GroupRemoved: { readonly group: DirectoryGroup }
  MembershipAdded: { readonly directoryId: string; readonly userId: string; readonly groupId: string }
  MembershipRemoved: { readonly directoryId: string; readonly userId: string; readonly groupId: string }
}>

/**
 * Constructors, `$is` and `$match` for `MirrorChange`.
 *
 * @example
 * ```ts
 * import { MirrorChange } from "@effect-workos/sync"
 *
 * const describe = MirrorChange.MirrorChange.$match({
 *   UserAdded: ({ user }) => `hired ${user.id}`,
 *   UserRemoved: ({ user }) => `left ${user.id}`,
 *   DirectoryAdded: () => "new directory",
 *   DirectoryUpdated: () => "directory changed",
 *   DirectoryRemoved: () => "directory removed",
 *   UserUpdated: () => "user changed",
 *   GroupAdded: () => "group added",
 *   GroupUpdated: () => "group changed",
 *   GroupRemoved: () => "group removed",
 *   MembershipAdded: () => "joined a group",
 *   MembershipRemoved: () => "left a group"
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const MirrorChange = Data.taggedEnum<MirrorChange>()
