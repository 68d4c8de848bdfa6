import { queryOptions } from "@tanstack/react-query";
import { classViewHref, type ClassViewQuery } from "@/lib/domain/class-view";
import { instanceListHref, type InstanceListQuery } from "@/lib/domain/instance-list";
import type { ClassEnvironments } from "@/lib/services/classes/get-class-environments";
import type { AdminEnvironmentDetail } from "@/lib/services/instances/admin-view";
import type { AdminEnvironmentPage } from "@/lib/services/instances/list-all";
import type { EnvironmentList } from "@/lib/services/instances/list";
import type { EnvironmentView } from "@/lib/services/instances/view";
import type { PoolState } from "@/lib/services/pools/get-pool-state";
import type { ApiTokenSummary } from "@/lib/services/tokens/list-tokens";
import type { WarmUpView } from "@/lib/services/warm-ups/internal/warm-ups";

/** A value as it arrives in JSON: its dates as ISO text. */
export type Jsonified<T> = T extends Date ? string : T extends (infer U)[] ? Jsonified<U>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;
export type WarmUpJson = Jsonified<WarmUpView>;

/**
 * Query factories for the browser (STYLE.md): components never build keys or URLs by hand. They read the
 * same REST API as scripts do, with the session cookie.
 */

/** A failed API call, with the portal's own message. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: "application/json" }, cache: "no-store" });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: string } | null;
    throw new ApiRequestError(response.status, body?.error ?? `The portal answered ${response.status}.`);
  }
  return (await response.json()) as T;
}

/** One of the caller's environments; polled while it is on its way, quiet once settled. */
export function environmentQuery(uuid: string) {
  return queryOptions({
    queryKey: ["environments", "one", uuid],
    queryFn: () => getJson<EnvironmentView>(`/api/v1/environments/${encodeURIComponent(uuid)}`),
    // A 404 means it is gone (or never was the caller's): asking again will not change that.
    retry: (failures, error) => !(error instanceof ApiRequestError && error.status === 404) && failures < 2,
  });
}

/** Everything the caller owns, with the quota in use. */
export function environmentsQuery() {
  return queryOptions({
    queryKey: ["environments", "list"],
    queryFn: () => getJson<EnvironmentList>("/api/v1/environments"),
  });
}

/** How often an open template page asks for its pool: members change in seconds while a pool fills or rolls. */
export const POOL_POLL_MS = 2500;

/** A pool template's warm pool, polled while the page showing it is open (admins only). */
export function poolStateQuery(name: string) {
  return queryOptions({
    queryKey: ["templates", name, "pool"],
    queryFn: () => getJson<PoolState>(`/api/v1/templates/${encodeURIComponent(name)}/pool`),
    refetchInterval: POOL_POLL_MS,
    // A hidden tab has nobody to show the pool to.
    refetchIntervalInBackground: false,
    retry: (failures, error) => !(error instanceof ApiRequestError && [403, 404].includes(error.status)) && failures < 2,
  });
}

/** The caller's personal API tokens (never their secrets), newest first. */
export function tokensQuery() {
  return queryOptions({
    queryKey: ["tokens"],
    queryFn: () => getJson<{ tokens: ApiTokenSummary[] }>("/api/v1/tokens"),
  });
}

/** How often the admin's environment pages ask again: phases change in seconds while launches start and end. */
export const ADMIN_ENVIRONMENTS_POLL_MS = 3000;

/** One page of every environment, as a query asks for it (admins only), polled while the page is open. */
export function adminEnvironmentsQuery(query: InstanceListQuery) {
  const path = instanceListHref(query, "/api/v1/admin/environments");
  return queryOptions({
    queryKey: ["admin", "environments", "list", path],
    queryFn: () => getJson<AdminEnvironmentPage>(path),
    refetchInterval: ADMIN_ENVIRONMENTS_POLL_MS,
    refetchIntervalInBackground: false,
    retry: (failures, error) => !(error instanceof ApiRequestError && [400, 401, 403].includes(error.status)) && failures < 2,
  });
}

/** One environment in full (admins only), polled while its page is open. */
export function adminEnvironmentQuery(uuid: string) {
  return queryOptions({
    queryKey: ["admin", "environments", "one", uuid],
    queryFn: () => getJson<AdminEnvironmentDetail>(`/api/v1/admin/environments/${encodeURIComponent(uuid)}`),
    refetchInterval: ADMIN_ENVIRONMENTS_POLL_MS,
    refetchIntervalInBackground: false,
    retry: (failures, error) => !(error instanceof ApiRequestError && [401, 403, 404].includes(error.status)) && failures < 2,
  });
}

/** How often the class view asks again: a class launching together changes every few seconds. */
export const CLASS_VIEW_POLL_MS = 3000;

/** A class's students by its templates (its teachers and admins), polled while the class view is open. */
export function classEnvironmentsQuery(slug: string, query: ClassViewQuery) {
  const path = classViewHref(slug, query, `/api/v1/classes/${encodeURIComponent(slug)}/environments`);
  return queryOptions({
    queryKey: ["classes", slug, "environments", path],
    queryFn: () => getJson<ClassEnvironments>(path),
    refetchInterval: CLASS_VIEW_POLL_MS,
    refetchIntervalInBackground: false,
    retry: (failures, error) => !(error instanceof ApiRequestError && [401, 403, 404].includes(error.status)) && failures < 2,
  });
}

/** How often an open warm-ups page asks again: a pool warming for a class gains members every few seconds. */
export const WARM_UPS_POLL_MS = 3000;

/** A class's warm-ups (`{ slug }`), or every warm-up of the caller's classes (`"mine"`), polled while the page is open. */
export function warmUpsQuery(scope: { slug: string } | "mine") {
  const path = scope === "mine" ? "/api/v1/warm-ups" : `/api/v1/classes/${encodeURIComponent(scope.slug)}/warm-ups`;
  return queryOptions({
    queryKey: ["warm-ups", scope === "mine" ? "mine" : scope.slug],
    queryFn: () => getJson<{ warmUps: WarmUpJson[] }>(path),
    refetchInterval: WARM_UPS_POLL_MS,
    refetchIntervalInBackground: false,
    retry: (failures, error) => !(error instanceof ApiRequestError && [401, 403, 404].includes(error.status)) && failures < 2,
  });
}
