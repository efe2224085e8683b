/**
 * Property signatures shared by the models: snake_case wire keys, nullable
 * fields defaulted, timestamps decoded.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import { Timestamp } from "./timestamp.js"

/** A required field read from `key`. @internal */
export const required = <A, I, R, const Key extends string>(schema: Schema.Schema<A, I, R>, key: Key) =>
  Schema.propertySignature(schema).pipe(Schema.fromKey(key))

/** A `string | null` field that older payloads may omit: absent reads as `null`. @internal */
export const nullableString = <const Key extends string>(key: Key) =>
  Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(Schema.fromKey(key))

/** A `created_at`/`updated_at` style timestamp as `DateTime.Utc`. @internal */
export const timestamp = <const Key extends string>(key: Key) => required(Timestamp, key)

/** Free-form attributes: any JSON object. @internal */
export const Attributes = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** An attributes object that older payloads may omit: absent reads as `{}`. @internal */
export const attributes = <const Key extends string>(key: Key) =>
  Schema.optionalWith(Attributes, { default: () => ({}) }).pipe(Schema.fromKey(key))
