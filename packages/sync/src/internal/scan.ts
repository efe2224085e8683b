/**
 * `Scan` as a predicate on rows, for the in-memory store.
 *
 * @internal
 */
import type * as MirrorStore from "../MirrorStore.js"

type AnyRow = MirrorStore.Rows[MirrorStore.Kind]

/** @internal */
export const matches = (row: AnyRow, scan: MirrorStore.Scan): boolean => {
  const directoryId = "directoryId" in row ? row.directoryId : row.id
  if (scan.directoryId !== undefined && directoryId !== scan.directoryId) return false
  if (scan.userId !== undefined && (!("userId" in row) || row.userId !== scan.userId)) return false
  if (scan.groupId !== undefined && (!("groupId" in row) || row.groupId !== scan.groupId)) return false
  if (scan.presentOnly === true && "present" in row && !row.present) return false
  if (scan.unseen !== undefined && (row.seen === scan.unseen.seen || row.seq > scan.unseen.maxSeq)) return false
  return true
}
