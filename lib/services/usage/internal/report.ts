import "server-only";
import { readUsageFigures, readUsageScope, type UsageRow, type UsageTemplate } from "@/lib/db/usage";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { toOwnerKey } from "@/lib/domain/owner-key";
import { parseUsageRange, type UsageFigures, type UsageOwnerKind, type UsageRange } from "@/lib/domain/usage";
import { findTaughtClass, type ScopedClass } from "@/lib/services/classes/internal/scope";

/**
 * What every usage use case shares: the class the caller teaches (NOT_FOUND otherwise), the range read from
 * the query (INVALID_INPUT with a message per parameter), and who the report is about.
 */

/** Someone whose environments a report counts: a member (by username) or a group owning a group template's environments. */
export interface UsageOwner {
  kind: UsageOwnerKind;
  /** The username, or the group's owner key. */
  name: string;
  displayName: string | null;
  ownerKey: string;
}

export interface UsageContext {
  scoped: ScopedClass;
  range: UsageRange;
  owners: UsageOwner[];
  templates: UsageTemplate[];
  now: Date;
}

const NO_FIGURES: UsageFigures = { timeUsedMs: 0, launches: 0, failures: 0, medianMsToReady: null };

/**
 * The owners a class's report covers. Each member is a student under their username's owner key. Templates
 * owned by a group (ownerClaim "groups") give their environments a group's key: those are reported under the
 * group, never under a student, for the class's bound groups and its members' groups. A key that is both a
 * member's and a group's is the member's. Students come first by username, then groups by name.
 */
export function usageOwners(members: { username: string; displayName: string | null; groups: string[] }[], classGroups: string[]): UsageOwner[] {
  const owners = new Map<string, UsageOwner>();
  const byName = [...members].sort((a, b) => a.username.localeCompare(b.username, "en") || (a.username < b.username ? -1 : 1));
  for (const member of byName) {
    const key = toOwnerKey(member.username);
    if (key && !owners.has(key)) owners.set(key, { kind: "student", name: member.username, displayName: member.displayName, ownerKey: key });
  }
  const groups = new Set([...classGroups, ...members.flatMap((m) => m.groups)]);
  for (const group of [...groups].sort()) {
    const key = toOwnerKey(group);
    if (key && !owners.has(key)) owners.set(key, { kind: "group", name: key, displayName: group === key ? null : group, ownerKey: key });
  }
  return [...owners.values()];
}

/** The class, the range and the owners, checked in that order: a class out of reach says nothing about its query. */
export async function usageContext(identity: Identity | null, input: { slug: unknown; query: Record<string, string | undefined>; now?: Date }): Promise<UsageContext> {
  const scoped = await findTaughtClass(identity, input.slug);
  const now = input.now ?? new Date();
  const { range, errors } = parseUsageRange(input.query, now);
  if (!range) throw new AppError("INVALID_INPUT", "Please correct the report's range.", errors ?? {});
  const scope = await readUsageScope(scoped.id);
  return { scoped, range, owners: usageOwners(scope.members, scope.classGroups), templates: scope.templates, now };
}

export interface OwnerUsage extends UsageOwner, UsageFigures {
  /** Their figures per template, for templates they used in the range. */
  templates: ({ name: string; displayName: string } & UsageFigures)[];
}

export interface ClassUsage {
  slug: string;
  title: string;
  range: UsageRange;
  total: UsageFigures;
  /** Every member (with zeros when they used nothing), then groups that used something, by name. */
  owners: OwnerUsage[];
  /** Every template of the class's catalogs, with zeros when unused. */
  templates: ({ name: string; displayName: string } & UsageFigures)[];
  generatedAt: Date;
}

const figuresOf = ({ timeUsedMs, launches, failures, medianMsToReady }: UsageFigures): UsageFigures => ({ timeUsedMs, launches, failures, medianMsToReady });

/** The whole report, read in one statement once the scope is known. */
export async function buildClassUsage(context: UsageContext): Promise<ClassUsage> {
  const { scoped, range, owners, templates, now } = context;
  const rows: UsageRow[] =
    owners.length > 0 && templates.length > 0
      ? await readUsageFigures({ templateIds: templates.map((t) => t.id), ownerKeys: owners.map((o) => o.ownerKey), from: range.from, to: range.to, now })
      : [];
  const byId = new Map(templates.map((t) => [t.id, t]));
  const total = rows.find((r) => r.ownerKey === null && r.templateId === null);
  const ownerRows = new Map(rows.filter((r) => r.ownerKey !== null && r.templateId === null).map((r) => [r.ownerKey!, r]));
  const templateRows = new Map(rows.filter((r) => r.ownerKey === null && r.templateId !== null).map((r) => [r.templateId!, r]));
  const pairRows = rows.filter((r) => r.ownerKey !== null && r.templateId !== null);
  const reported = owners.filter((o) => o.kind === "student" || ownerRows.has(o.ownerKey));
  return {
    slug: scoped.slug,
    title: scoped.title,
    range,
    total: total ? figuresOf(total) : NO_FIGURES,
    owners: reported.map((owner) => ({
      ...owner,
      ...figuresOf(ownerRows.get(owner.ownerKey) ?? NO_FIGURES),
      templates: pairRows
        .filter((r) => r.ownerKey === owner.ownerKey)
        .map((r) => ({ name: byId.get(r.templateId!)!.name, displayName: byId.get(r.templateId!)!.displayName, ...figuresOf(r) }))
        .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.name.localeCompare(b.name)),
    })),
    templates: templates.map((t) => ({ name: t.name, displayName: t.displayName, ...figuresOf(templateRows.get(t.id) ?? NO_FIGURES) })),
    generatedAt: now,
  };
}
