import "server-only";
import { getConfig } from "@/lib/config";
import { listClassStudents, listClassTemplates, type ClassTemplate } from "@/lib/db/classes";
import { loadTemplate } from "@/lib/db/templates";
import { readUsageFigures, type UsageRow } from "@/lib/db/usage";
import { ownershipOf } from "@/lib/domain/class-view";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { parseUsageRange, usageOwnerId, usageScope, type UsageFigures, type UsageOwner, type UsagePair, type UsageRange } from "@/lib/domain/usage";
import { findTaughtClass, type ScopedClass } from "@/lib/services/classes/internal/scope";

/**
 * What every usage use case shares: the class the caller teaches (NOT_FOUND otherwise), the range read from
 * the query (INVALID_INPUT with a message per parameter), and the scope the class view has: the class's
 * members, the templates of its catalogs (lib/db/classes.ts) and the owner key of each member's environments
 * of each template (lib/domain/usage.ts, `usageScope`).
 */

export interface UsageContext {
  scoped: ScopedClass;
  range: UsageRange;
  owners: UsageOwner[];
  templates: ClassTemplate[];
  pairs: UsagePair[];
  now: Date;
}

const NO_FIGURES: UsageFigures = { timeUsedMs: 0, launches: 0, failures: 0, medianMsToReady: null };

/** The class, the range and the scope, checked in that order: a class out of reach says nothing about its query. */
export async function usageContext(identity: Identity | null, input: { slug: unknown; query: Record<string, string | undefined>; now?: Date }): Promise<UsageContext> {
  const scoped = await findTaughtClass(identity, input.slug);
  const now = input.now ?? new Date();
  const { range, errors } = parseUsageRange(input.query, now);
  if (!range) throw new AppError("INVALID_INPUT", "Please correct the report's range.", errors ?? {});
  const [students, templates] = await Promise.all([listClassStudents(scoped.id), listClassTemplates(scoped.id)]);
  const usernameClaim = getConfig().oidc?.claims.username;
  // The composed claim counts: a base template may set it for every template that extends it.
  const owned = await Promise.all(
    templates.map(async (t) => {
      const loaded = await loadTemplate({ id: t.id });
      return { id: t.id, ownership: ownershipOf(loaded.composed?.ownerClaim ?? loaded.latest.spec.ownerClaim, usernameClaim) };
    }),
  );
  const { owners, pairs } = usageScope(students, owned);
  return { scoped, range, owners, templates, pairs, now };
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
  const { scoped, range, owners, templates, pairs, now } = context;
  const rows: UsageRow[] = pairs.length > 0 ? await readUsageFigures({ pairs, from: range.from, to: range.to, now }) : [];
  const byId = new Map(templates.map((t) => [t.id, t]));
  const total = rows.find((r) => r.owner === null && r.templateId === null);
  const ownerRows = new Map(rows.filter((r) => r.owner !== null && r.templateId === null).map((r) => [r.owner!, r]));
  const templateRows = new Map(rows.filter((r) => r.owner === null && r.templateId !== null).map((r) => [r.templateId!, r]));
  const pairRows = rows.filter((r) => r.owner !== null && r.templateId !== null);
  const reported = owners.filter((o) => o.kind === "student" || ownerRows.has(usageOwnerId(o)));
  return {
    slug: scoped.slug,
    title: scoped.title,
    range,
    total: total ? figuresOf(total) : NO_FIGURES,
    owners: reported.map((owner) => ({
      ...owner,
      ...figuresOf(ownerRows.get(usageOwnerId(owner)) ?? NO_FIGURES),
      templates: pairRows
        .filter((r) => r.owner === usageOwnerId(owner))
        .map((r) => ({ name: byId.get(r.templateId!)!.name, displayName: byId.get(r.templateId!)!.displayName, ...figuresOf(r) }))
        .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.name.localeCompare(b.name)),
    })),
    templates: templates.map((t) => ({ name: t.name, displayName: t.displayName, ...figuresOf(templateRows.get(t.id) ?? NO_FIGURES) })),
    generatedAt: now,
  };
}
