import { apiRoute, errorResponse } from "@/lib/api/http";
import { escapeHtml } from "@/components/student/catalog-markup";
import { openStudentInstance } from "@/lib/services/classes/open-student-instance";

export const dynamic = "force-dynamic";

/** A refusal as a short page for a browser (the teacher followed a link), or the API's JSON for anything else. */
async function refusal(request: Request, error: unknown, slug: string): Promise<Response> {
  const response = errorResponse(error, request);
  if (!(request.headers.get("accept") ?? "").includes("text/html")) return response;
  const { error: message } = (await response.json()) as { error: string };
  const back = `/teach/classes/${encodeURIComponent(slug)}`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Cannot open this environment</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:36rem;padding:0 1rem;color:#0f172a;background:#fff}a{color:#1d4ed8}@media (prefers-color-scheme:dark){body{color:#f1f5f9;background:#020617}a{color:#93c5fd}}</style></head>
<body><h1>Cannot open this environment</h1><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(back)}">Back to the class</a></p></body></html>`;
  return new Response(html, { status: response.status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

/**
 * A teacher opens a student's environment: the scope and the template's teacher access are checked again and
 * the opening audited before the browser is sent on. A GET (it is a link) that records something: the CSRF
 * guard applies as to any change, so another site cannot make a teacher's browser open environments.
 */
export const GET = apiRoute<{ slug: string; uuid: string }>(
  async ({ request, params, identity }) => {
    try {
      const { url } = await openStudentInstance(identity, { slug: params.slug, uuid: params.uuid });
      return new Response(null, { status: 303, headers: { Location: url, "Cache-Control": "no-store" } });
    } catch (error) {
      return refusal(request, error, params.slug);
    }
  },
  { changesState: true },
);
