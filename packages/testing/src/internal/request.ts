/**
 * What the fake needs of an incoming request: its path, its query, the
 * route pattern it hits, and the bearer token it presents.
 *
 * @internal
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"

/**
 * What a fault rule sees of a request: `route` is the pattern it hits, e.g.
 * `/directories/:id` (any other path stands for itself).
 *
 * @internal
 */
export interface RequestInfo {
  readonly method: string
  /** The path, without the query. */
  readonly path: string
  readonly route: string
  readonly searchParams: URLSearchParams
}

const withId = /^\/(directories|directory_users|directory_groups)\/[^/]+$/

/** The route pattern of a path, e.g. `/directories/:id`; other paths stand for themselves. @internal */
export const routeOf = (path: string): string => {
  const match = withId.exec(path)
  return match === null ? path : `/${match[1]}/:id`
}

/** @internal */
export const infoOf = (request: HttpServerRequest.HttpServerRequest): RequestInfo => {
  const url = new URL(request.url, "http://fake.workos")
  return { method: request.method, path: url.pathname, route: routeOf(url.pathname), searchParams: url.searchParams }
}

/** The bearer token of a request, if it presents one. @internal */
export const bearerOf = (request: HttpServerRequest.HttpServerRequest): string | undefined => {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers["authorization"] ?? "")
  return match === null ? undefined : match[1]!.trim()
}
