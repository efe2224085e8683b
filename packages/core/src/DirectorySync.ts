/**
 * The Directory Sync API: list, get and delete directories; list and get
 * directory users and groups; and stream every item of a list.
 *
 * @since 0.1.0
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Directory } from "./Directory.js"
import { DirectoryGroup } from "./DirectoryGroup.js"
import * as DirectoryUser from "./DirectoryUser.js"
import {
  checkFilter,
  checkId,
  checkOptions,
  checkPage,
  checkPrefetch,
  describe,
  invalid,
  requireOne,
  segment,
  validate
} from "./internal/params.js"
import * as Pagination from "./Pagination.js"
import { WorkOSClient } from "./WorkOSClient.js"
import * as WorkOSError from "./WorkOSError.js"

/**
 * Options of `listDirectories`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListDirectoriesOptions extends Pagination.PageOptions {
  /** Only directories of this organization. */
  readonly organizationId?: string | undefined
  /** Text matched against directory names. */
  readonly search?: string | undefined
  /** @deprecated by WorkOS: only directories of this domain. */
  readonly domain?: string | undefined
}

/**
 * Options of `listUsers`: `directory` or `group` is required.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListUsersOptions extends Pagination.PageOptions {
  /** Users of this directory. */
  readonly directory?: string | undefined
  /** Users of this group. */
  readonly group?: string | undefined
  /** The user with this provider id (needs `directory`). */
  readonly idpId?: string | undefined
  /** The user with this primary email (needs `directory`). */
  readonly email?: string | undefined
}

/**
 * Options of `listGroups`: `directory` or `user` is required.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListGroupsOptions extends Pagination.PageOptions {
  /** Groups of this directory. */
  readonly directory?: string | undefined
  /** Groups this user belongs to. */
  readonly user?: string | undefined
}

/**
 * Decode users' `custom_attributes` with your own Schema.
 *
 * @since 0.1.0
 * @category models
 */
export interface CustomAttributesOption<A, I> {
  readonly customAttributes: Schema.Schema<A, I>
}

/**
 * The Directory Sync operations. Every effect and stream fails only with `WorkOSError`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `GET /directories`: one page. */
  readonly listDirectories: (
    options?: ListDirectoriesOptions
  ) => Effect.Effect<Pagination.Page<Directory>, WorkOSError.WorkOSError>
  /** `GET /directories/{id}`. */
  readonly getDirectory: (id: string) => Effect.Effect<Directory, WorkOSError.WorkOSError>
  /** `DELETE /directories/{id}`: permanent. */
  readonly deleteDirectory: (id: string) => Effect.Effect<void, WorkOSError.WorkOSError>
  /** `GET /directory_users`: one page. */
  readonly listUsers: {
    (options: ListUsersOptions): Effect.Effect<Pagination.Page<DirectoryUser.DirectoryUser>, WorkOSError.WorkOSError>
    <A, I>(
      options: ListUsersOptions & CustomAttributesOption<A, I>
    ): Effect.Effect<Pagination.Page<DirectoryUser.WithCustomAttributes<A>>, WorkOSError.WorkOSError>
  }
  /** `GET /directory_users/{id}`. */
  readonly getUser: {
    (id: string): Effect.Effect<DirectoryUser.DirectoryUser, WorkOSError.WorkOSError>
    <A, I>(
      id: string,
      options: CustomAttributesOption<A, I>
    ): Effect.Effect<DirectoryUser.WithCustomAttributes<A>, WorkOSError.WorkOSError>
  }
  /** `GET /directory_groups`: one page. */
  readonly listGroups: (
    options: ListGroupsOptions
  ) => Effect.Effect<Pagination.Page<DirectoryGroup>, WorkOSError.WorkOSError>
  /** `GET /directory_groups/{id}`. */
  readonly getGroup: (id: string) => Effect.Effect<DirectoryGroup, WorkOSError.WorkOSError>
  /** Every directory, page after page (100 a page unless `limit` says otherwise). */
  readonly streamDirectories: (
    options?: ListDirectoriesOptions & Pagination.StreamOptions
  ) => Stream.Stream<Directory, WorkOSError.WorkOSError>
  /** Every user of a directory or group, page after page (100 a page unless `limit` says otherwise). */
  readonly streamUsers: {
    (
      options: ListUsersOptions & Pagination.StreamOptions
    ): Stream.Stream<DirectoryUser.DirectoryUser, WorkOSError.WorkOSError>
    <A, I>(
      options: ListUsersOptions & Pagination.StreamOptions & CustomAttributesOption<A, I>
    ): Stream.Stream<DirectoryUser.WithCustomAttributes<A>, WorkOSError.WorkOSError>
  }
  /** Every group of a directory or user, page after page (100 a page unless `limit` says otherwise). */
  readonly streamGroups: (
    options: ListGroupsOptions & Pagination.StreamOptions
  ) => Stream.Stream<DirectoryGroup, WorkOSError.WorkOSError>
}

/**
 * The Directory Sync service.
 *
 * @since 0.1.0
 * @category tags
 */
export class DirectorySync extends Context.Tag("@effect-workos/core/DirectorySync")<DirectorySync, Service>() {}

// Page schemas are built once: Schema caches its compiled decoder per schema,
// so a schema made per request would be compiled again for every page.
const DirectoryPage = Pagination.Page(Directory)
const GroupPage = Pagination.Page(DirectoryGroup)
const UserPage = Pagination.Page(DirectoryUser.DirectoryUser)

// The same holds for a caller's custom-attributes schema: its user and page
// schemas are built on first use and kept for as long as the caller's schema lives.
const typedUser = (customAttributes: Schema.Schema<unknown, unknown>) => {
  const user = DirectoryUser.withCustomAttributes(customAttributes)
  return { user, page: Pagination.Page(user) }
}
const typedUsers = new WeakMap<Schema.Schema<unknown, unknown>, ReturnType<typeof typedUser>>()
const typedUserOf = (customAttributes: Schema.Schema<unknown, unknown>) => {
  const cached = typedUsers.get(customAttributes)
  if (cached !== undefined) return cached
  const built = typedUser(customAttributes)
  typedUsers.set(customAttributes, built)
  return built
}
const pageQuery = (options: Pagination.PageOptions) => ({
  limit: options.limit,
  before: options.before,
  after: options.after,
  order: options.order
})

// Span attributes: ids and cursors, never filters that may carry personal data (email, idpId, search).
const spanAttributes = (attributes: Record<string, string | number | undefined>) =>
  Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined))

const annotatePage = (attributes: Record<string, string | number | undefined>) =>
  Effect.annotateCurrentSpan(spanAttributes(attributes))

const pageAttributes = (options: Pagination.PageOptions) => ({
  "workos.page.limit": options.limit,
  "workos.page.before": options.before,
  "workos.page.after": options.after,
  "workos.page.order": options.order
})

const userIds = (options: ListUsersOptions) => ({
  "workos.directory.id": options.directory,
  "workos.group.id": options.group
})

const groupIds = (options: ListGroupsOptions) => ({
  "workos.directory.id": options.directory,
  "workos.directory_user.id": options.user
})

// A JavaScript caller may pass anything as the schema.
const checkCustomAttributes = (options: object) => {
  const customAttributes: unknown = Reflect.get(options, "customAttributes")
  return customAttributes === undefined || Schema.isSchema(customAttributes)
    ? undefined
    : invalid("customAttributes", "customAttributes must be a Schema")
}

// The options for the page at `cursor` of a walk.
const cursorOptions = <O extends Pagination.PageOptions>(
  options: O,
  direction: Pagination.Direction,
  cursor: string | undefined
): O => ({
  ...options,
  // Only a missing limit takes the default: `null` from a JavaScript caller is rejected as in `list*`.
  limit: options.limit === undefined ? 100 : options.limit,
  before: undefined,
  after: undefined,
  [direction]: cursor
})

type Client = Context.Tag.Service<WorkOSClient>

// A server that hands out a cursor the walk already followed would make it page
// forever: each run of a walk fails such a page with a DecodeError instead.
const followOnce = (path: string, direction: Pagination.Direction, start: string | undefined) => {
  const followed = new Set<string>(start === undefined ? [] : [start])
  return <A>(page: Pagination.Page<A>): Effect.Effect<Pagination.Page<A>, WorkOSError.DecodeError> => {
    const next = page.listMetadata[direction]
    if (next === null) return Effect.succeed(page)
    if (followed.has(next)) {
      return Effect.fail(
        new WorkOSError.DecodeError({
          status: 200,
          method: "GET",
          path,
          message: `list_metadata.${direction} repeats a cursor this walk already followed: the list would never end`
        })
      )
    }
    followed.add(next)
    return Effect.succeed(page)
  }
}

// Streams every item of a list, page by page; the walk's span is the parent of each page's `list*` span.
const walk = <O extends Pagination.PageOptions & Pagination.StreamOptions, A>(
  name: string,
  path: string,
  ids: Record<string, string | undefined>,
  options: O,
  list: (options: O) => Effect.Effect<Pagination.Page<A>, WorkOSError.WorkOSError>
): Stream.Stream<A, WorkOSError.WorkOSError> => {
  // A JavaScript caller may pass anything as the options.
  const problem = checkOptions("options", options) ?? checkPrefetch(options.prefetch)
  if (problem !== undefined) return Stream.fail(problem)
  const { cursor, direction } = Pagination.startOf(options)
  return Stream.suspend(() => {
    const checked = followOnce(path, direction, cursor)
    return Pagination.stream((at) => Effect.flatMap(list(cursorOptions(options, direction, at)), checked), {
      direction,
      cursor,
      prefetch: options.prefetch
    })
  }).pipe(Stream.withSpan(name, { attributes: spanAttributes({ ...ids, ...pageAttributes(options) }) }))
}

// Directories ---------------------------------------------------------------------------------

const directories = (
  client: Client
): Pick<Service, "listDirectories" | "getDirectory" | "deleteDirectory" | "streamDirectories"> => {
  const listDirectories = Effect.fn("DirectorySync.listDirectories")(function*(options: ListDirectoriesOptions = {}) {
    yield* validate(checkOptions("options", options))
    yield* annotatePage({ "workos.organization.id": options.organizationId, ...pageAttributes(options) })
    yield* validate(
      checkPage(options),
      checkFilter("organizationId", options.organizationId),
      checkFilter("search", options.search),
      checkFilter("domain", options.domain)
    )
    const request = HttpClientRequest.get("/directories").pipe(HttpClientRequest.setUrlParams({
      organization_id: options.organizationId,
      search: options.search,
      domain: options.domain,
      ...pageQuery(options)
    }))
    return yield* client.json(request, DirectoryPage)
  })
  return {
    listDirectories,
    getDirectory: Effect.fn("DirectorySync.getDirectory")(function*(id: string) {
      yield* Effect.annotateCurrentSpan("workos.directory.id", id)
      yield* validate(checkId("id", id))
      return yield* client.json(HttpClientRequest.get(`/directories/${segment(id)}`), Directory)
    }),
    deleteDirectory: Effect.fn("DirectorySync.deleteDirectory")(function*(id: string) {
      yield* Effect.annotateCurrentSpan("workos.directory.id", id)
      yield* validate(checkId("id", id))
      return yield* client.send(HttpClientRequest.del(`/directories/${segment(id)}`))
    }),
    streamDirectories: (options = {}) =>
      walk(
        "DirectorySync.streamDirectories",
        "/directories",
        { "workos.organization.id": options?.organizationId },
        options,
        ({ prefetch: _, ...page }) => listDirectories(page)
      )
  }
}

// Users -----------------------------------------------------------------------------------------

const listUsersRequest = (options: ListUsersOptions) =>
  Effect.zipRight(
    validate(
      checkOptions("options", options),
      checkPage(options),
      requireOne([["directory", options.directory], ["group", options.group]], "to list users"),
      checkFilter("directory", options.directory),
      checkFilter("group", options.group),
      checkFilter("idpId", options.idpId),
      checkFilter("email", options.email),
      options.idpId !== undefined ? requireOne([["directory", options.directory]], "with idpId") : undefined,
      options.email !== undefined ? requireOne([["directory", options.directory]], "with email") : undefined
    ),
    // Built only once the options are known to be good.
    Effect.sync(() =>
      HttpClientRequest.get("/directory_users").pipe(HttpClientRequest.setUrlParams({
        directory: options.directory,
        group: options.group,
        idp_id: options.idpId,
        email: options.email,
        ...pageQuery(options)
      }))
    )
  )

// The rate limiter counts a list by `group` alone against the group's directory once it knows it.
const learnGroups = (client: Client, groups: Iterable<{ readonly id: string; readonly directoryId: string }>) => {
  const tell = client.groupInDirectory
  return tell === undefined
    ? Effect.void
    : Effect.forEach(groups, (group) => tell(group.id, group.directoryId), { discard: true })
}

const listUsersWith = (client: Client) =>
  Effect.fn("DirectorySync.listUsers")(
    function*<A extends { readonly directoryId: string }, I>(
      options: ListUsersOptions,
      page: Schema.Schema<Pagination.Page<A>, I>
    ) {
      const request = yield* listUsersRequest(options)
      yield* annotatePage({ ...userIds(options), ...pageAttributes(options) })
      const users = yield* client.json(request, page)
      const first = users.data[0]
      if (options.group !== undefined && options.directory === undefined && first !== undefined) {
        yield* learnGroups(client, [{ id: options.group, directoryId: first.directoryId }])
      }
      return users
    }
  )

const getUserWith = (client: Client) =>
  Effect.fn("DirectorySync.getUser")(function*<A, I>(id: string, user: Schema.Schema<A, I>) {
    yield* Effect.annotateCurrentSpan("workos.directory_user.id", id)
    yield* validate(checkId("id", id))
    return yield* client.json(HttpClientRequest.get(`/directory_users/${segment(id)}`), user)
  })

// The overloads pick the user schema: the plain `DirectoryUser`, or one typed by the caller's custom attributes.
const users = (client: Client): Pick<Service, "listUsers" | "getUser" | "streamUsers"> => {
  const listPage = listUsersWith(client)
  const getOne = getUserWith(client)

  function listUsers(
    options: ListUsersOptions
  ): Effect.Effect<Pagination.Page<DirectoryUser.DirectoryUser>, WorkOSError.WorkOSError>
  function listUsers<A, I>(
    options: ListUsersOptions & CustomAttributesOption<A, I>
  ): Effect.Effect<Pagination.Page<DirectoryUser.WithCustomAttributes<A>>, WorkOSError.WorkOSError>
  // Defaults to `{}` so a plain-JS caller who passes nothing gets an `InvalidParameterError`, not a defect.
  function listUsers(
    options: ListUsersOptions & Partial<CustomAttributesOption<unknown, unknown>> = {}
  ): Effect.Effect<Pagination.Page<unknown>, WorkOSError.WorkOSError> {
    const problem = checkOptions("options", options) ?? checkCustomAttributes(options)
    if (problem !== undefined) return Effect.fail(problem)
    const { customAttributes, ...rest } = options
    return customAttributes === undefined
      ? listPage(rest, UserPage)
      : listPage(rest, typedUserOf(customAttributes).page)
  }

  function getUser(id: string): Effect.Effect<DirectoryUser.DirectoryUser, WorkOSError.WorkOSError>
  function getUser<A, I>(
    id: string,
    options: CustomAttributesOption<A, I>
  ): Effect.Effect<DirectoryUser.WithCustomAttributes<A>, WorkOSError.WorkOSError>
  function getUser(
    id: string,
    options?: CustomAttributesOption<unknown, unknown>
  ): Effect.Effect<unknown, WorkOSError.WorkOSError> {
    const problem = checkOptions("options", options) ??
      (options === undefined ? undefined : checkCustomAttributes(options))
    if (problem !== undefined) return Effect.fail(problem)
    // `{}` (or `{ customAttributes: undefined }`) from a JavaScript caller reads as no options.
    return options?.customAttributes === undefined
      ? getOne(id, DirectoryUser.DirectoryUser)
      : getOne(id, typedUserOf(options.customAttributes).user)
  }

  function streamUsers(
    options: ListUsersOptions & Pagination.StreamOptions
  ): Stream.Stream<DirectoryUser.DirectoryUser, WorkOSError.WorkOSError>
  function streamUsers<A, I>(
    options: ListUsersOptions & Pagination.StreamOptions & CustomAttributesOption<A, I>
  ): Stream.Stream<DirectoryUser.WithCustomAttributes<A>, WorkOSError.WorkOSError>
  function streamUsers(
    options: ListUsersOptions & Pagination.StreamOptions & Partial<CustomAttributesOption<unknown, unknown>> = {}
  ): Stream.Stream<unknown, WorkOSError.WorkOSError> {
    const problem = checkOptions("options", options) ?? checkCustomAttributes(options)
    if (problem !== undefined) return Stream.fail(problem)
    const { customAttributes, prefetch: _prefetch, ...rest } = options
    const pages = <A extends { readonly directoryId: string }, I>(schema: Schema.Schema<Pagination.Page<A>, I>) =>
      walk(
        "DirectorySync.streamUsers",
        "/directory_users",
        userIds(options),
        options,
        (page) => listPage(withoutStreamOptions(page, rest), schema)
      )
    return customAttributes === undefined ? pages(UserPage) : pages(typedUserOf(customAttributes).page)
  }

  return { listUsers, getUser, streamUsers }
}

// Groups ----------------------------------------------------------------------------------------

const groups = (client: Client): Pick<Service, "listGroups" | "getGroup" | "streamGroups"> => {
  const listGroups = Effect.fn("DirectorySync.listGroups")(function*(options: ListGroupsOptions = {}) {
    yield* validate(checkOptions("options", options))
    yield* annotatePage({ ...groupIds(options), ...pageAttributes(options) })
    yield* validate(
      checkPage(options),
      requireOne([["directory", options.directory], ["user", options.user]], "to list groups"),
      checkFilter("directory", options.directory),
      checkFilter("user", options.user)
    )
    const request = HttpClientRequest.get("/directory_groups").pipe(HttpClientRequest.setUrlParams({
      directory: options.directory,
      user: options.user,
      ...pageQuery(options)
    }))
    return yield* Effect.tap(client.json(request, GroupPage), (page) => learnGroups(client, page.data))
  })
  return {
    listGroups,
    getGroup: Effect.fn("DirectorySync.getGroup")(function*(id: string) {
      yield* Effect.annotateCurrentSpan("workos.directory_group.id", id)
      yield* validate(checkId("id", id))
      const group = yield* client.json(HttpClientRequest.get(`/directory_groups/${segment(id)}`), DirectoryGroup)
      yield* learnGroups(client, [group])
      return group
    }),
    streamGroups: (options = {}) =>
      walk(
        "DirectorySync.streamGroups",
        "/directory_groups",
        groupIds(options ?? {}),
        options,
        ({ prefetch: _, ...page }) => listGroups(page)
      )
  }
}

/**
 * Builds the service over the `WorkOSClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, WorkOSClient> = Effect.map(
  WorkOSClient,
  (client) => DirectorySync.of({ ...directories(client), ...users(client), ...groups(client) })
)

// The page's cursor and limit over the caller's filters, without stream-only options.
const withoutStreamOptions = (
  page: Pagination.PageOptions,
  filters: ListUsersOptions
): ListUsersOptions => ({
  ...filters,
  limit: page.limit,
  before: page.before,
  after: page.after
})

/**
 * The service as a layer over `WorkOSClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<DirectorySync, never, WorkOSClient> = Layer.effect(DirectorySync, make)

/**
 * Options of `streamOrganizationUsers`.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamOrganizationUsersOptions extends Pagination.StreamOptions {
  /** The organization whose directories are streamed. */
  readonly organizationId: string
  /**
   * Directories streamed at once (default 4). Each directory runs at up to
   * WorkOS's 4 pages a second, so this is how a sync goes faster; the per-key
   * budget (100 requests a second) caps it around 25.
   */
  readonly concurrency?: number | undefined
}

/**
 * Every user of every directory of an organization: the organization's
 * directories are listed, then up to `concurrency` directories are streamed
 * at once, each as `streamUsers({ directory })` with its own `prefetch`.
 * Users of different directories interleave; within a directory they keep
 * the list order. A directory listed twice is streamed once, so each user
 * comes once. Memory stays bounded by `concurrency` directories of
 * `prefetch + 1` pages, whatever the organization's size.
 *
 * @example
 * ```ts
 * import { DirectorySync } from "@effect-workos/core"
 * import { Stream } from "effect"
 *
 * const count = DirectorySync.streamOrganizationUsers({ organizationId: "org_01EHZNVPK3SFK441A1RGBFSHRT", concurrency: 8 })
 *   .pipe(Stream.runCount)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const streamOrganizationUsers = (
  options: StreamOrganizationUsersOptions
): Stream.Stream<DirectoryUser.DirectoryUser, WorkOSError.WorkOSError, DirectorySync> => {
  const given: unknown = options
  if (!Predicate.isObject(given)) {
    return Stream.fail(invalid("options", "streamOrganizationUsers takes { organizationId, concurrency?, prefetch? }"))
  }
  const { concurrency = 4, organizationId, prefetch } = options
  return Stream.unwrap(Effect.gen(function*() {
    // Everything is checked before the directories are listed, `prefetch` included.
    yield* validate(
      checkId("organizationId", organizationId),
      checkPrefetch(prefetch),
      Number.isSafeInteger(concurrency) && concurrency >= 1 ? undefined : new WorkOSError.InvalidParameterError({
        parameter: "concurrency",
        message: `concurrency must be a positive integer, got ${describe(concurrency)}`
      })
    )
    const directorySync = yield* DirectorySync
    const seen = new Set<string>()
    return directorySync.streamDirectories({ organizationId }).pipe(
      Stream.filter((directory) => {
        if (seen.has(directory.id)) return false
        seen.add(directory.id)
        return true
      }),
      Stream.flatMap((directory) => directorySync.streamUsers({ directory: directory.id, prefetch }), { concurrency })
    )
  })).pipe(Stream.withSpan("DirectorySync.streamOrganizationUsers", {
    attributes: { "workos.organization.id": organizationId }
  }))
}
