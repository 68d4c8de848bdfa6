import "server-only";
import { recordAuditSql } from "@/lib/db/audit";
import { withSqlTransaction } from "@/lib/db/client";
import { endPoolMembers, lockUnclaimedMembers } from "@/lib/db/pools";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { isRecycleScope, MEMBER_ENDED, membersToRecycle, RECYCLE_SCOPES, type RecycleScope } from "@/lib/domain/pool-state";
import { getLaunchAvailability } from "@/lib/services/instances/internal/launch-availability";
import { loadPoolTemplate } from "./internal/pool-template";

export interface RecyclePoolInput {
  name: string;
  scope: RecycleScope;
}

export interface RecyclePoolResult {
  scope: RecycleScope;
  /** The uuids of the members ended: the worker tears them down and replaces them. */
  ended: string[];
}

const SCOPE_MESSAGE = `Choose which members to recycle: ${RECYCLE_SCOPES.join(", ")}.`;

/**
 * Ends the unclaimed members of a warm pool an admin chooses, as the pool controller removes members: every
 * unclaimed one (`all`), those that failed or are stuck past their launch limit (`failed`), or those of an
 * older version (`outdated`). They become Expiring; the worker tears them down and the pool controller
 * replaces them. Claimed members are never touched, nor members a claim holds at that moment. One audit
 * entry, only when something was ended. Refused without a cluster: nothing could tear them down or replace them.
 */
export async function recyclePool(identity: Identity | null, input: RecyclePoolInput): Promise<RecyclePoolResult> {
  assertCan(identity, "template:edit");
  const scope: unknown = input?.scope;
  if (!isRecycleScope(scope)) throw new AppError("INVALID_INPUT", SCOPE_MESSAGE, { scope: [SCOPE_MESSAGE] });
  const template = await loadPoolTemplate(input.name);
  const availability = getLaunchAvailability(identity);
  if (!availability.available) throw new AppError("UNAVAILABLE", `Members cannot be recycled without a cluster: ${availability.reason}`);

  const ended = await withSqlTransaction(async (sql) => {
    const members = await lockUnclaimedMembers(sql, template.id);
    const chosen = membersToRecycle(members, scope, { latestVersion: template.latest.version, limits: template.settings.launch, now: new Date() });
    const uuids = await endPoolMembers(sql, template.id, chosen, MEMBER_ENDED.recycled(identity.username, scope), { notify: true });
    if (uuids.length > 0) {
      await recordAuditSql(sql, {
        actor: identity,
        action: "pool.recycle",
        objectType: "template",
        objectId: template.id,
        before: { members: chosen.filter((m) => uuids.includes(m.uuid)).map(({ uuid, version, phase }) => ({ uuid, version, phase })) },
        after: { scope, ended: uuids.length },
      });
    }
    return uuids;
  });
  return { scope, ended };
}
