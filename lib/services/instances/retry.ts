import "server-only";
import { db } from "@/lib/db/client";
import { loadTemplate } from "@/lib/db/templates";
import { AppError, isAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { ownerKeysOf } from "@/lib/domain/owner-key";
import { assertCan } from "@/lib/domain/permissions";
import { loadIdentity } from "@/lib/services/accounts/internal/sign-in";
import { endInstance } from "./internal/end-instance";
import { requireLaunchable } from "./internal/launchable";
import { findOwnedInstance, lockOwnedInstance, ownerKeyForTemplate, type InstanceRef } from "./internal/owned";
import { launchInstance, type LaunchOutcome } from "./launch";
import type { EnvironmentView } from "./view";

export interface RetryResult {
  /** The failed environment, now ending. */
  retried: string;
  outcome: LaunchOutcome;
  /** The environment that takes its place. */
  environment: EnvironmentView;
}

const ONLY_FAILED = "Only an environment that failed to start can be retried.";

/**
 * Whom a retry launches for: the caller when the environment is theirs; for an admin retrying someone else's,
 * the account that launched (or claimed) it, re-read as a token's caller is (roles and groups now, without the
 * identity provider's claims, which only their own session carries). The owner key must come out the same,
 * or the new environment would belong to someone else.
 */
async function launchingOwner(identity: Identity, found: { ownerKey: string | null; createdById: string | null }, template: Parameters<typeof ownerKeyForTemplate>[1]): Promise<Identity> {
  if (!found.ownerKey) throw new AppError("CONFLICT", "Nobody claimed this pool member: the pool replaces a member that failed by itself.");
  if (ownerKeysOf(identity).includes(found.ownerKey)) return identity;
  const owner = found.createdById ? await loadIdentity(found.createdById) : null;
  const cannot = `This environment cannot be retried for its owner "${found.ownerKey}"`;
  if (!owner) throw new AppError("CONFLICT", `${cannot}: the account that launched it is gone or disabled. End it instead.`);
  let ownerKey: string | null = null;
  try {
    ownerKey = ownerKeyForTemplate(owner, template);
  } catch (error) {
    if (!isAppError(error)) throw error;
  }
  if (ownerKey !== found.ownerKey) throw new AppError("CONFLICT", `${cannot}: launched again now, it would not be theirs. Ask them to retry it.`);
  return owner;
}

/**
 * Retries a failed launch: the failed environment is ended (Expiring, as a release ends it) and its template
 * launched again for the same owner with the same parameters, as the owner's Retry does. Owners retry theirs;
 * admins any, for its owner, the audit trail naming the admin for both steps. Everything that can refuse the
 * new launch without racing it (the template deleted, disabled or broken, an owner who cannot be launched
 * for) is checked before the failed one is ended.
 */
export async function retryInstance(identity: Identity | null, ref: InstanceRef): Promise<RetryResult> {
  assertCan(identity, "instance:launch");
  const found = await findOwnedInstance(identity, ref);
  if (found.phase !== "Failed") throw new AppError("CONFLICT", `${ONLY_FAILED} This one is ${found.phase}.`);
  const loaded = await loadTemplate({ id: found.templateId }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "NOT_FOUND") throw new AppError("CONFLICT", `"${found.template.displayName}" has been deleted: it cannot be launched again. End this environment instead.`);
    throw error;
  });
  const template = requireLaunchable(loaded, identity, { launching: true });
  const owner = await launchingOwner(identity, found, template);

  await db().$transaction(async (tx) => {
    const row = await lockOwnedInstance(identity, found, tx);
    if (row.phase !== "Failed") throw new AppError("CONFLICT", `${ONLY_FAILED} This one is ${row.phase} now.`);
    await endInstance(tx, identity, row, { message: `Retried by ${identity.username}`, reason: "retry" });
  });
  const launched = await launchInstance(owner, { template: template.name, params: found.params ?? {} }, { actor: identity });
  return { retried: found.uuid, outcome: launched.outcome, environment: launched.environment };
}
