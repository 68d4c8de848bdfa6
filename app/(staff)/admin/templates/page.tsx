import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { RestoreTemplateButton } from "@/components/templates/restore-template-button";
import { TemplateFilters } from "@/components/templates/template-filters";
import { Notice } from "@/components/ui/notice";
import { DataTable } from "@/components/ui/table";
import { requirePagePermission } from "@/lib/auth/guards";
import { TEMPLATE_NAME } from "@/lib/templates/spec";
import { isNarrowed, templateListHref } from "@/lib/domain/template-list";
import { listTemplates } from "@/lib/services/templates/list-templates";

export const metadata: Metadata = { title: "Templates" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const cell = "px-3 py-2 align-top";

function Badge({ tone, children }: { tone: "green" | "slate" | "red" | "amber"; children: string }) {
  const tones = {
    green: "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
    slate: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
    red: "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200",
    amber: "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100",
  };
  return <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ${tones[tone]}`}>{children}</span>;
}

/** A notice after a change made on another page (`?done=deleted:name`): only a valid template name is ever shown from it. */
function doneNotice(done: string | string[] | undefined): string | null {
  const [what, name] = (typeof done === "string" ? done : "").split(":");
  if (!name || !TEMPLATE_NAME.test(name)) return null;
  if (what === "deleted") return `Deleted ${name}. It is listed under Deleted, where it can be restored.`;
  if (what === "restored") return `Restored ${name}: it is back in the catalog if it is enabled, visible and valid.`;
  return null;
}

export default async function TemplatesPage({ searchParams }: Props) {
  const identity = await requirePagePermission("template:edit", "/admin/templates");
  const params = await searchParams;
  const list = await listTemplates(identity, { searchParams: params });
  const { filter, rows, totals } = list;
  const notice = doneNotice(params.done);
  const total = filter.deleted ? totals.deleted : totals.live;
  const tabs = [
    { label: `In use (${totals.live})`, href: templateListHref({ ...filter, deleted: false }), current: !filter.deleted },
    { label: `Deleted (${totals.deleted})`, href: templateListHref({ ...filter, deleted: true }), current: filter.deleted },
  ];
  return (
    <>
      <p className="text-sm">
        <Link href="/admin" className="text-brand-600 hover:underline dark:text-brand-100">
          Administration
        </Link>{" "}
        / Templates
      </p>
      <div className="mt-1 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Templates</h1>
        <Link href="/admin/templates/new" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
          New template
        </Link>
      </div>
      {notice && (
        <Notice tone="success" className="mt-4">
          {notice}
        </Notice>
      )}
      <nav aria-label="Template lists" className="mt-6 flex gap-1 border-b border-slate-200 dark:border-slate-800">
        {tabs.map((tab) => (
          <Link
            key={tab.label}
            href={tab.href}
            aria-current={tab.current ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${tab.current ? "border-brand-600 text-brand-700 dark:border-brand-100 dark:text-brand-100" : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"}`}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
      <TemplateFilters filter={filter} categories={list.categories} />

      {total === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          {filter.deleted ? (
            "No template has been deleted."
          ) : (
            <>
              There are no templates yet.{" "}
              <Link href="/admin/templates/new" className="font-medium text-brand-700 underline dark:text-brand-100">
                Create the first one
              </Link>
              .
            </>
          )}
        </p>
      ) : rows.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          No {filter.deleted ? "deleted " : ""}template matches these filters.{" "}
          <Link href={templateListHref({ deleted: filter.deleted })} className="font-medium text-brand-700 underline dark:text-brand-100">
            Clear the filters
          </Link>
        </p>
      ) : (
        <>
          <p className="mt-4 text-sm text-slate-600 dark:text-slate-300" role="status">
            {isNarrowed(filter) ? `${rows.length} of ${total}` : rows.length} {filter.deleted ? "deleted " : ""}template{total === 1 ? "" : "s"}
            {list.truncated && ` (the first ${rows.length} are listed: narrow the search to see the others)`}
          </p>
          <DataTable
            columns={[
              "Template",
              "Version",
              "Validity",
              "Live environments",
              <span key="pool">
                Pool <span className="font-normal">(available / claimed / total)</span>
              </span>,
            ]}
          >
            {rows.map((t) => (
              <tr key={t.name} className="border-t border-slate-200 dark:border-slate-800">
                <td className={`${cell} min-w-44`}>
                  {filter.deleted ? (
                    <span className="font-medium">{t.displayName}</span>
                  ) : (
                    <Link href={`/admin/templates/${t.name}`} className="font-medium text-brand-700 hover:underline dark:text-brand-100">
                      {t.displayName}
                    </Link>
                  )}
                  <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">{t.name}</span>
                  <span className="mt-1 block text-xs text-slate-600 dark:text-slate-400">
                    {t.isSystem ? "System" : `Class template of ${t.ownerName ?? "a removed teacher"}`} · {t.method === "pool" ? "warm pool" : "on demand"}
                    {t.deletedAt && ` · deleted ${t.deletedAt.toISOString().slice(0, 10)}`}
                  </span>
                  {/* In the first column, so a phone shows it without scrolling the table sideways. */}
                  {filter.deleted && (
                    <div className="mt-2">
                      <RestoreTemplateButton name={t.name} displayName={t.displayName} />
                    </div>
                  )}
                </td>
                <td className={cell}>v{t.version}</td>
                <td className={cell}>
                  <span className="flex flex-wrap gap-1">
                    {t.validationError ? <Badge tone="red">invalid</Badge> : <Badge tone="green">valid</Badge>}
                    {t.isBase ? <Badge tone="slate">base</Badge> : t.enabled ? <Badge tone="slate">enabled</Badge> : <Badge tone="amber">disabled</Badge>}
                    {!t.visible && !t.isBase && <Badge tone="slate">hidden</Badge>}
                  </span>
                  {t.validationError && (
                    <span className="mt-1 block max-w-xs text-xs wrap-anywhere text-red-700 dark:text-red-300" title={t.validationError}>
                      {t.validationError.length > 140 ? `${t.validationError.slice(0, 140)}…` : t.validationError}
                    </span>
                  )}
                </td>
                <td className={cell}>{t.live}</td>
                <td className={`${cell} whitespace-nowrap`}>
                  {t.method === "pool" || t.poolTotal > 0 ? (
                    <>
                      {t.poolAvailable} / {t.poolClaimed} / {t.poolTotal}
                    </>
                  ) : (
                    <span className="text-slate-500 dark:text-slate-400">
                      —<span className="sr-only">no pool</span>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </>
  );
}
