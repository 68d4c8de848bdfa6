import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { TemplateIconTile } from "@/components/template-icon";
import { Notice } from "@/components/ui/notice";
import { requirePagePermission } from "@/lib/auth/guards";
import { TEMPLATE_NAME } from "@/lib/templates/spec";
import { listClassTemplates } from "@/lib/services/class-templates/list-class-templates";
import { listOpenBases } from "@/lib/services/class-templates/list-open-bases";

export const metadata: Metadata = { title: "Class templates" };

/** A notice after a change made on another page (`?done=deleted:name`): only a valid name is ever shown from it. */
function doneNotice(done: string | string[] | undefined): string | null {
  const [what, name] = (typeof done === "string" ? done : "").split(":");
  if (what === "deleted" && name && TEMPLATE_NAME.test(name)) return `Deleted the class template ${name}. It left your catalogs; environments already running stay until they expire.`;
  return null;
}

export default async function ClassTemplatesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const identity = await requirePagePermission("class-template:manage", "/teach/templates");
  const isAdmin = identity.roles.includes("admin");
  const [templates, bases, params] = await Promise.all([listClassTemplates(identity), listOpenBases(identity), searchParams]);
  const notice = doneNotice(params.done);
  return (
    <>
      <p className="text-sm">
        <Link href="/teach" className="text-brand-600 underline hover:no-underline dark:text-brand-100">
          Teaching
        </Link>{" "}
        / Class templates
      </p>
      <div className="mt-1 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Class templates</h1>
        {bases.length > 0 && (
          <Link href="/teach/templates/new" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            New class template
          </Link>
        )}
      </div>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        {isAdmin ? "Every teacher's class templates." : "Your own environments, made from a base an administrator opened to teachers."} Only the classes whose catalogs list one see it.
      </p>
      {notice && (
        <Notice tone="success" className="mt-4">
          {notice}
        </Notice>
      )}
      {bases.length === 0 && (
        <Notice tone="info" className="mt-4">
          No base template is open to teachers yet. Ask an administrator to open one (its Settings, under Teachers).
        </Notice>
      )}
      {templates.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          You have no class templates yet.
          {bases.length > 0 && (
            <>
              {" "}
              <Link href="/teach/templates/new" className="font-medium text-brand-700 underline dark:text-brand-100">
                Create the first one
              </Link>{" "}
              {bases.length === 1 ? "from the base open to teachers." : `from one of the ${bases.length} bases open to teachers.`}
            </>
          )}
        </p>
      ) : (
        <ul className="mt-6 space-y-3" aria-label="Class templates">
          {templates.map((t) => (
            <li key={t.name} className="flex min-w-0 items-start gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
              <TemplateIconTile icon={t.icon} />
              <div className="min-w-0 flex-1">
                <Link href={`/teach/templates/${t.name}`} className="font-medium text-brand-700 hover:underline [overflow-wrap:anywhere] dark:text-brand-100">
                  {t.displayName}
                </Link>
                <p className="text-xs text-slate-600 dark:text-slate-400">
                  {t.name} · extends {t.baseDisplayName ?? t.base} · version {t.version}
                  {isAdmin && ` · ${t.owner ?? "(account removed)"}`}
                </p>
                {t.description && <p className="mt-1 text-sm text-slate-700 [overflow-wrap:anywhere] dark:text-slate-300">{t.description}</p>}
                <p className="mt-2 flex flex-wrap gap-2 text-xs">
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-700 dark:bg-slate-800 dark:text-slate-200">
                    {t.catalogs === 0 ? "In no catalog yet" : `In ${t.catalogs} catalog${t.catalogs === 1 ? "" : "s"}`}
                  </span>
                  {!t.baseOpen && <span className="rounded bg-amber-100 px-1.5 py-0.5 text-amber-900 dark:bg-amber-950 dark:text-amber-200">Base closed to teachers</span>}
                  {t.validationError && <span className="rounded bg-red-100 px-1.5 py-0.5 text-red-800 dark:bg-red-950 dark:text-red-200">Cannot be launched</span>}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
