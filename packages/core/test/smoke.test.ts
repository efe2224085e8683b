import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as DirectorySync from "../src/DirectorySync.js"
import * as Stub from "./utils/StubHttp.js"

const user = (id: string) => ({
  object: "directory_user",
  id,
  directory_id: "directory_1",
  organization_id: "org_1",
  idp_id: `idp_${id}`,
  email: `${id}@example.com`,
  first_name: "A",
  last_name: "B",
  state: "active",
  custom_attributes: {},
  raw_attributes: {},
  created_at: "2024-01-15T10:30:00.000Z",
  updated_at: "2024-01-15 10:30:00.123456"
})

describe("smoke", () => {
  it.effect("streams users over pages", () => {
    const stub = Stub.directorySync((request) => {
      const after = request.query.after
      const n = after === undefined ? 0 : Number(after.split("_")[1])
      const ids = [n + 1, n + 2].map((i) => `u_${i}`)
      return Stub.json({
        object: "list",
        data: ids.map(user),
        list_metadata: { before: null, after: n + 2 >= 6 ? null : ids[1] }
      })
    })
    return Effect.gen(function*() {
      const ds = yield* DirectorySync.DirectorySync
      const users = yield* Stream.runCollect(ds.streamUsers({ directory: "directory_1", limit: 2 }))
      assert.deepStrictEqual(Chunk.toArray(users).map((u) => u.id), ["u_1", "u_2", "u_3", "u_4", "u_5", "u_6"])
      assert.strictEqual(stub.requests.length, 3)
      assert.strictEqual(stub.requests[0]!.headers.authorization, `Bearer ${Stub.apiKey}`)
    }).pipe(Effect.provide(stub.layer))
  })
})
