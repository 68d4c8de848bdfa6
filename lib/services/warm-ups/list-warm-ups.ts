import "server-only";
import { taughtClassIds } from "@/lib/db/classes";
import { listWarmUps } from "@/lib/db/warm-ups";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { findTaughtClass } from "@/lib/services/classes/internal/scope";
import { findScopedWarmUp, toWarmUpViews, type WarmUpView } from "./internal/warm-ups";

/** A class's warm-ups, the ones to come first (then the last ones over or cancelled), with their live state. */
export async function listClassWarmUps(identity: Identity | null, input: { slug: unknown }, now = new Date()): Promise<WarmUpView[]> {
  const scoped = await findTaughtClass(identity, input.slug);
  return toWarmUpViews(await listWarmUps([scoped.id], now), now);
}

/** Every warm-up of the classes the caller teaches; an admin sees every class's. */
export async function listMyWarmUps(identity: Identity | null, now = new Date()): Promise<WarmUpView[]> {
  assertCan(identity, "teach:view");
  // Admins are deliberately unscoped: they run every class.
  const classIds = identity.roles.includes("admin") ? null : await taughtClassIds(identity.userId);
  return toWarmUpViews(await listWarmUps(classIds, now), now);
}

/** One warm-up of a class the caller teaches. */
export async function getWarmUp(identity: Identity | null, input: { id: unknown }, now = new Date()): Promise<WarmUpView> {
  assertCan(identity, "teach:view");
  return (await toWarmUpViews([await findScopedWarmUp(identity, input.id)], now))[0]!;
}
