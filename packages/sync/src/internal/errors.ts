/**
 * The store's error, shared by the stores and the engine.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

/**
 * A store operation failed: the database (`Sql`) or a stored value that no
 * longer decodes (`Decode`). Messages never carry stored values.
 *
 * @internal
 */
export class MirrorStoreError extends Schema.TaggedError<MirrorStoreError>("@effect-workos/sync/MirrorStoreError")(
  "MirrorStoreError",
  {
    reason: Schema.Literal("Sql", "Decode"),
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {}
