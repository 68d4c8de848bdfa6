import "server-only";
import { listOwnedInstances } from "@/lib/db/instances";
import { readSettings } from "@/lib/db/settings";
import { listQuotaOverrides } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { ownerKeysOf } from "@/lib/domain/owner-key";
import { assertCan } from "@/lib/domain/permissions";
import { COUNTED_PHASES } from "@/lib/domain/phase";
import { toEnvironmentView, type EnvironmentView } from "./view";

export interface EnvironmentList {
  environments: EnvironmentView[];
  count: number;
  /**
   * The caller's personal quota (their username's owner key): instances that count against it (a failed one
   * does not), and the limit that applies to launching another (null = no limit). Templates with a limit of
   * their own are listed apart, since a launch of one of those is held to its own limit.
   */
  quota: { used: number; limit: number | null; templates: { name: string; displayName: string; limit: number | null }[] };
}

/** Everything the caller owns that is not being torn down, group-owned included, newest first. */
export async function listInstances(identity: Identity | null): Promise<EnvironmentList> {
  assertCan(identity, "instance:launch");
  const keys = ownerKeysOf(identity);
  const [rows, settings, overrides] = await Promise.all([listOwnedInstances(keys), readSettings(), listQuotaOverrides()]);
  const environments = rows.map((row) => toEnvironmentView(row, identity));
  const personal = keys[0];
  const limitOf = (quota: number) => (quota === 0 ? null : quota);
  return {
    environments,
    count: environments.length,
    quota: {
      // A failed environment gives its owner nothing to use, so it does not count (as in the claim).
      used: environments.filter((e) => e.owner === personal && COUNTED_PHASES.includes(e.phase)).length,
      limit: limitOf(settings.defaultQuota),
      templates: overrides.filter((t) => t.limit !== settings.defaultQuota).map((t) => ({ ...t, limit: limitOf(t.limit) })),
    },
  };
}
