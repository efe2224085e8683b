/**
 * The stored form of the public models: their wire encoding as JSON text,
 * one canonical string per value, so "changed" is a string comparison.
 *
 * @internal
 */
import { Directory } from "@effect-workos/core/Directory"
import { DirectoryGroup } from "@effect-workos/core/DirectoryGroup"
import { DirectoryUser } from "@effect-workos/core/DirectoryUser"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { MirrorStoreError } from "./errors.js"

// Compiled once per model and run as `Either`s: a page of events encodes hundreds of rows, and an
// `Effect` per row (as `Schema.encode` makes) costs a third more than the encoding itself.
const codec = <A, I>(schema: Schema.Schema<A, I>, what: string) => {
  const json = Schema.parseJson(schema)
  const encode = Schema.encodeEither(json)
  const decode = Schema.decodeEither(json)
  return {
    encode: (value: A): Either.Either<string, MirrorStoreError> =>
      Either.mapLeft(
        encode(value),
        (cause) => new MirrorStoreError({ reason: "Decode", message: `cannot encode a ${what}`, cause })
      ),
    decode: (text: string): Either.Either<A, MirrorStoreError> =>
      Either.mapLeft(
        decode(text),
        (cause) => new MirrorStoreError({ reason: "Decode", message: `a stored ${what} does not decode`, cause })
      )
  }
}

/** @internal */
export const user = codec(DirectoryUser, "user")
/** @internal */
export const group = codec(DirectoryGroup, "group")
/** @internal */
export const directory = codec(Directory, "directory")

/** The deprecated `groups` array is not mirrored (memberships are). @internal */
export const normalizeUser = (value: DirectoryUser): DirectoryUser =>
  value.groups.length === 0 ? value : DirectoryUser.make({ ...value, groups: [] })

/** A directory as the mirror keeps it: no `metadata` counts (they change with every user). @internal */
export const normalizeDirectory = (value: Directory): Directory =>
  Directory.make({
    id: value.id,
    organizationId: value.organizationId,
    externalKey: value.externalKey,
    type: value.type,
    state: value.state,
    name: value.name,
    ...(value.domain === undefined ? {} : { domain: value.domain }),
    createdAt: value.createdAt,
    updatedAt: value.updatedAt
  })

/** Timestamps are kept as `YYYY-MM-DDTHH:mm:ss.sssZ` text, so they compare as strings. @internal */
export const iso = (time: DateTime.DateTime): string => DateTime.formatIso(time)
