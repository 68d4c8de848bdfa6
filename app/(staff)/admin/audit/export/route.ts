import { apiRoute, queryValues } from "@/lib/api/http";
import { exportAuditEvents } from "@/lib/services/audit/export-audit-events";

export const dynamic = "force-dynamic";

/**
 * Downloads the audit trail as CSV with the page's filters (`?actor=…&action=…&type=…&object=…&from=…&to=…`).
 * Admins only; errors answer as the REST API does. An export is audited, so a link from another site may not
 * start one (the CSRF guard of requests that change something).
 */
export const GET = apiRoute(
  async ({ request, identity }) => {
    const file = await exportAuditEvents(identity, { query: queryValues(request) });
    return new Response(file.body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        // The name is made of digits and dashes: nothing in it needs quoting.
        "Content-Disposition": `attachment; filename="${file.filename}"`,
        "Cache-Control": "no-store",
      },
    });
  },
  { changesState: true },
);
