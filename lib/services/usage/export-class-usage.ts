import "server-only";
import type { Identity } from "@/lib/domain/identity";
import { CSV_BOM } from "@/lib/domain/csv";
import { USAGE_CSV_HEADER, usageCsvRow, type UsageCsvLine, type UsageFigures } from "@/lib/domain/usage";
import { buildClassUsage, usageContext } from "./internal/report";

/**
 * A class's usage report as CSV: the class's total, then each student or group (their total, then one line
 * per template they used), then each template. Cells are neutralised against spreadsheet formulas
 * (lib/domain/csv.ts). A report is bounded by its class's members and templates, so it is written at once.
 */
export async function exportClassUsage(identity: Identity | null, input: { slug: unknown; query: Record<string, string | undefined>; now?: Date }): Promise<{ filename: string; body: string }> {
  const report = await buildClassUsage(await usageContext(identity, input));
  const figures = ({ timeUsedMs, launches, failures, medianMsToReady }: UsageFigures) => ({ timeUsedMs, launches, failures, medianMsToReady });
  const lines: UsageCsvLine[] = [{ kind: "class", name: report.slug, displayName: report.title, template: "", ...figures(report.total) }];
  for (const owner of report.owners) {
    lines.push({ kind: owner.kind, name: owner.name, displayName: owner.displayName, template: "", ...figures(owner) });
    for (const t of owner.templates) lines.push({ kind: owner.kind, name: owner.name, displayName: owner.displayName, template: t.name, ...figures(t) });
  }
  for (const t of report.templates) lines.push({ kind: "template", name: t.name, displayName: t.displayName, template: t.name, ...figures(t) });
  const { range } = report;
  return {
    // The slug is [a-z0-9-] and the dates digits and dashes: nothing in the name needs quoting.
    filename: `usage-${report.slug}-${range.fromDate}-${range.toDate}.csv`,
    body: CSV_BOM + USAGE_CSV_HEADER + lines.map((line) => usageCsvRow(line, range)).join(""),
  };
}
