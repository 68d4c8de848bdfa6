import { apiRoute, queryValues } from "@/lib/api/http";
import { exportTemplate } from "@/lib/services/templates/export-template";

export const dynamic = "force-dynamic";

/**
 * Downloads a template as YAML: `?format=dploy` (a DployTemplate) or `?format=envdeck` (everything, for
 * another Envdeck). Admins only, like every template page; errors answer as the REST API does.
 */
export const GET = apiRoute<{ name: string }>(async ({ request, params, identity }) => {
  const file = await exportTemplate(identity, { name: params.name, format: queryValues(request).format });
  return new Response(file.text, {
    headers: {
      "Content-Type": "text/yaml; charset=utf-8",
      // Template names are lowercase letters, digits and dashes: nothing in the file name needs quoting.
      "Content-Disposition": `attachment; filename="${file.filename}"`,
      "Cache-Control": "no-store",
    },
  });
});
