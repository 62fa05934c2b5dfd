import type { ApiName, Route } from "./http_types.ts";

/** The outcome of matching a request against the route table. */
export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method-not-allowed"; template: string; api: ApiName; allow: string[] }
  | { kind: "not-found"; api: ApiName };

const PREFIXES: readonly (readonly [string, ApiName])[] = [
  ["/mapillary-v2/", "mapillary-v2"],
  ["/mapillary/", "mapillary"],
  ["/mapiq/", "mapiq"],
];

/** Which emulated API owns `path`, by prefix. */
export function apiForPath(path: string): ApiName {
  for (const [prefix, api] of PREFIXES) if (path.startsWith(prefix)) return api;
  return "none";
}

/**
 * Matches `method` + `path` against `routes`, first match wins (so literal routes go before
 * `{param}` routes). Each `{param}` matches one non-empty path segment.
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const segments = path.split("/");
  const allow: string[] = [];
  let template: string | null = null;
  let api: ApiName = apiForPath(path);
  for (const route of routes) {
    const params = matchTemplate(route.template, segments);
    if (params === null) continue;
    if (route.method === method) return { kind: "found", route, params };
    template ??= route.template;
    api = route.api;
    allow.push(route.method);
  }
  if (template !== null) return { kind: "method-not-allowed", template, api, allow };
  return { kind: "not-found", api };
}

function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | null {
  const parts = template.split("/");
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i] ?? "";
    if (part.startsWith("{") && part.endsWith("}")) {
      if (segment === "") return null;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (part !== segment) {
      return null;
    }
  }
  return params;
}
