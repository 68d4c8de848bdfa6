import { apiRoute, parseInput, queryValues, respond } from "@/lib/api/http";
import { ClassUsageSchema, UsageQuerySchema } from "@/lib/api/schemas/usage";
import { exportClassUsage } from "@/lib/services/usage/export-class-usage";
import { getClassUsage } from "@/lib/services/usage/get-class-usage";

export const dynamic = "force-dynamic";

type Params = { slug: string };

/**
 * A class's usage report (`?from=&to=&tz=`), as JSON or, with `format=csv`, as a CSV download. The class's
 * teachers and admins; a class the caller does not teach is not found. Reading changes nothing, so a link
 * may start the download.
 */
export const GET = apiRoute<Params>(
  async ({ request, params, identity }) => {
    const { format, ...query } = parseInput(UsageQuerySchema, queryValues(request));
    if (format === "csv") {
      const file = await exportClassUsage(identity, { slug: params.slug, query });
      return new Response(file.body, {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          // The name is made of the class's short name ([a-z0-9-]) and dates: nothing in it needs quoting.
          "Content-Disposition": `attachment; filename="${file.filename}"`,
          "Cache-Control": "no-store",
        },
      });
    }
    const report = await getClassUsage(identity, { slug: params.slug, query });
    return respond(ClassUsageSchema, {
      class: { slug: report.slug, title: report.title },
      range: { from: report.range.fromDate, to: report.range.toDate, timeZone: report.range.timeZone, start: report.range.from, end: report.range.to },
      total: report.total,
      owners: report.owners,
      templates: report.templates,
      generatedAt: report.generatedAt,
    });
  },
  { permission: "teach:view" },
);
