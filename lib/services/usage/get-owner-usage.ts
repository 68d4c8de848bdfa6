import "server-only";
import { readUsageFigures, readUsageSpans } from "@/lib/db/usage";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { usageOwnerId, type SpanOutcome, type UsageFigures, type UsageOwner, type UsageRange } from "@/lib/domain/usage";
import { usageContext } from "./internal/report";

/** Environments listed at most in one drill-down; the figures always count them all. */
export const MAX_DRILL_DOWN = 500;

export interface OwnerEnvironment {
  uuid: string;
  template: { name: string; displayName: string };
  start: Date;
  end: Date | null;
  readyAt: Date | null;
  outcome: SpanOutcome;
  claimed: boolean;
  /** The part of its time inside the range. */
  timeUsedMs: number;
}

export interface OwnerUsageDetail {
  slug: string;
  title: string;
  range: UsageRange;
  owner: UsageOwner;
  figures: UsageFigures;
  /** Newest first. */
  environments: OwnerEnvironment[];
  truncated: boolean;
}

/**
 * One student's (or group's) environments in a class's report range: each with its start, end, time inside
 * the range and outcome, and their figures. Someone the class's report does not cover is NOT_FOUND.
 */
export async function getOwnerUsage(identity: Identity | null, input: { slug: unknown; name: unknown; query: Record<string, string | undefined>; now?: Date }): Promise<OwnerUsageDetail> {
  const context = await usageContext(identity, input);
  const owner = typeof input.name === "string" ? context.owners.find((o) => o.name === input.name) : undefined;
  if (!owner) throw new AppError("NOT_FOUND", "Nobody by that name is in this class's report.");
  const { range, templates, now } = context;
  const pairs = context.pairs.filter((p) => p.owner === usageOwnerId(owner));
  const window = { pairs, from: range.from, to: range.to, now };
  const [rows, spans] = pairs.length > 0 ? await Promise.all([readUsageFigures(window), readUsageSpans(window, MAX_DRILL_DOWN + 1)]) : [[], []];
  const total = rows.find((r) => r.owner === null && r.templateId === null);
  const byId = new Map(templates.map((t) => [t.id, t]));
  return {
    slug: context.scoped.slug,
    title: context.scoped.title,
    range,
    owner,
    figures: total ? { timeUsedMs: total.timeUsedMs, launches: total.launches, failures: total.failures, medianMsToReady: total.medianMsToReady } : { timeUsedMs: 0, launches: 0, failures: 0, medianMsToReady: null },
    environments: spans.slice(0, MAX_DRILL_DOWN).map((span) => ({
      uuid: span.uuid,
      template: { name: byId.get(span.templateId)!.name, displayName: byId.get(span.templateId)!.displayName },
      start: span.start,
      end: span.end,
      readyAt: span.readyAt,
      outcome: span.outcome,
      claimed: span.claimed,
      timeUsedMs: span.timeUsedMs,
    })),
    truncated: spans.length > MAX_DRILL_DOWN,
  };
}
