"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useRef, useState, useTransition } from "react";
import { adminEnvironmentsQuery } from "@/lib/client/queries";
import { MAX_BULK, type BulkAction } from "@/lib/domain/bulk-action";
import { describeInstanceFilter, instanceFilterParams, instanceListHref, isInstanceListNarrowed, nextSort, type InstanceSort } from "@/lib/domain/instance-list";
import { formatDuration } from "@/lib/domain/progress";
import type { AdminEnvironmentRow } from "@/lib/services/instances/admin-view";
import type { AdminEnvironmentPage } from "@/lib/services/instances/list-all";
import type { BulkPreview } from "@/lib/services/instances/preview-bulk";
import type { BulkResult } from "@/lib/services/instances/run-bulk";
import { BulkConfirmDialog, BulkSummary } from "./bulk-outcomes";
import { previewBulk, runBulk, type BulkTargets } from "./bulk-request";
import { PhaseBadge } from "./phase-badge";

const cell = "px-3 py-2 align-top";
const muted = "text-slate-600 dark:text-slate-400";
const button =
  "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800";

function environments(n: number): string {
  return `${n} environment${n === 1 ? "" : "s"}`;
}

/** Time left before `iso`, or how long ago it passed, from `now`. */
function expiryText(row: AdminEnvironmentRow, now: number): string {
  if (row.endedAt) return "ended";
  if (!row.expiresAt) return row.owner ? "never" : "never (unclaimed)";
  const left = (Date.parse(row.expiresAt) - now) / 1000;
  return left <= 0 ? `expired ${formatDuration(-left)} ago` : `in ${formatDuration(left)}`;
}

/** A column header that sorts the list by it, saying which way it is sorted now. */
function SortHeader({ label, sort, page }: { label: string; sort: InstanceSort; page: AdminEnvironmentPage }) {
  const current = page.query.sort === sort;
  const next = nextSort(page.query, sort);
  return (
    <th scope="col" aria-sort={current ? (page.query.order === "asc" ? "ascending" : "descending") : undefined} className="px-3 py-2 whitespace-nowrap">
      <Link href={instanceListHref({ ...page.query, ...next, page: 1 })} className="hover:underline">
        {label}
        <span aria-hidden="true">{current ? (page.query.order === "asc" ? " ▲" : " ▼") : ""}</span>
        <span className="sr-only">{current ? "" : `, sort by ${label.toLowerCase()}`}</span>
      </Link>
    </th>
  );
}

/**
 * Every environment a query matches, one page of them, following changes live: polls
 * `GET /api/v1/admin/environments` with the page's filter, sort and page. Rows can be picked for a bulk
 * extend or end, or the action can take every live environment the filter matches (computed again on the
 * server); either way the server previews it, the admin confirms the count, and a summary says what became
 * of each environment.
 */
export function EnvironmentTable({ initial }: { initial: AdminEnvironmentPage }) {
  const query = useQuery({ ...adminEnvironmentsQuery(initial.query), initialData: initial, initialDataUpdatedAt: Date.parse(initial.observedAt) });
  const page = query.data;
  const now = Date.parse(page.observedAt);
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [picked, setPicked] = useState<Set<string>>(() => new Set());
  const [everyMatching, setEveryMatching] = useState(false);
  const [preview, setPreview] = useState<BulkPreview | null>(null);
  const [targets, setTargets] = useState<BulkTargets | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [barError, setBarError] = useState<string | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);
  const [pending, startTransition] = useTransition();
  const filter = page.query.filter;
  // Only rows on this page can be picked: a row gone from it (ended, moved by the sort) is no longer offered.
  const pickedRows = page.rows.filter((row) => picked.has(row.uuid) && !row.endedAt);
  const pickable = page.rows.filter((row) => !row.endedAt);
  const allPicked = pickable.length > 0 && pickable.every((row) => picked.has(row.uuid));
  const canActOnFilter = filter.show === "live" && page.total > 0;
  const selectionCount = everyMatching ? page.total : pickedRows.length;
  const refetchFailed = query.isError && query.error ? query.error.message : null;

  function toggle(uuid: string) {
    setPicked((before) => {
      const after = new Set(before);
      if (after.has(uuid)) after.delete(uuid);
      else after.add(uuid);
      return after;
    });
    setEveryMatching(false);
  }

  function toggleAll() {
    setPicked(allPicked ? new Set() : new Set(pickable.map((row) => row.uuid)));
    setEveryMatching(false);
  }

  function ask(action: BulkAction) {
    const chosen: BulkTargets = everyMatching ? { filter: instanceFilterParams(filter) } : { uuids: pickedRows.map((row) => row.uuid) };
    setBarError(null);
    setDialogError(null);
    startTransition(async () => {
      const answer = await previewBulk(action, chosen);
      if (!answer.ok || !answer.result) {
        setBarError(answer.fieldErrors?.filter?.[0] ?? answer.message ?? "The action could not be prepared.");
        return;
      }
      setTargets(chosen);
      setPreview(answer.result);
      dialog.current?.showModal();
    });
  }

  function confirm(shown: BulkPreview) {
    if (!targets) return;
    setDialogError(null);
    startTransition(async () => {
      const done = await runBulk(shown.action, targets, shown.count);
      if (!done.ok || !done.result) {
        // The selection changed since the preview (or the action was refused): show the new count to confirm again.
        setDialogError(done.message ?? "The action failed.");
        const again = await previewBulk(shown.action, targets);
        if (again.ok && again.result) setPreview(again.result);
        return;
      }
      dialog.current?.close();
      setResult(done.result);
      setPicked(new Set());
      setEveryMatching(false);
      await queryClient.invalidateQueries({ queryKey: ["admin", "environments"] });
    });
  }

  const scopeText = targets && "filter" in targets ? `Every live environment the filter matches now: ${describeInstanceFilter(filter)}.` : "The environments you picked.";
  const pageHref = (n: number) => instanceListHref({ ...page.query, page: n });

  return (
    <>
      <p role="status" aria-live="polite" className={`mt-4 text-sm ${muted}`}>
        {page.total === 0
          ? "No environment matches."
          : `${isInstanceListNarrowed(filter) ? `${environments(page.total)} ${page.total === 1 ? "matches" : "match"}` : `${page.total} live ${page.total === 1 ? "environment" : "environments"}`}; page ${page.query.page} of ${page.pages}.`}
      </p>
      {refetchFailed && <p className="mt-1 text-sm text-amber-900 dark:text-amber-100">Could not refresh the list ({refetchFailed}); showing what was last read. Trying again.</p>}
      {result && <BulkSummary result={result} onDismiss={() => setResult(null)} />}

      {page.total > 0 && (
        <div role="group" aria-label="Bulk actions" className="mt-4 flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border border-slate-200 px-3 py-2 dark:border-slate-800">
          <span className="text-sm font-medium" data-testid="selection-count">
            {everyMatching ? `All ${environments(page.total)} matching the filter` : `${pickedRows.length} picked`}
          </span>
          {canActOnFilter && (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={everyMatching} onChange={(event) => setEveryMatching(event.target.checked)} className="h-4 w-4" />
              Act on every environment matching the filter ({page.total})
            </label>
          )}
          <span className="flex flex-wrap gap-2 sm:ml-auto">
            <button type="button" className={button} disabled={pending || selectionCount === 0} onClick={() => ask("extend")}>
              Extend…
            </button>
            <button
              type="button"
              disabled={pending || selectionCount === 0}
              onClick={() => ask("end")}
              className="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-60 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
            >
              End…
            </button>
          </span>
          {everyMatching && page.total > MAX_BULK && (
            <p className="w-full text-sm text-amber-900 dark:text-amber-100">
              A bulk action takes at most {MAX_BULK} environments: narrow the filter first.
            </p>
          )}
          {barError && (
            <p role="alert" className="w-full text-sm text-red-700 dark:text-red-300">
              {barError}
            </p>
          )}
        </div>
      )}

      {page.rows.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          {page.total > 0 ? (
            <>
              This page is past the end of the list.{" "}
              <Link href={pageHref(page.pages)} className="font-medium text-brand-700 underline dark:text-brand-100">
                Go to page {page.pages}
              </Link>
            </>
          ) : isInstanceListNarrowed(filter) ? (
            <>
              No environment matches these filters.{" "}
              <Link href="/admin/environments" className="font-medium text-brand-700 underline dark:text-brand-100">
                Clear the filters
              </Link>
            </>
          ) : (
            "No environment is running. Environments appear here as soon as someone launches one, or a pool starts its members."
          )}
        </p>
      ) : (
        <div data-scrolls className="relative mt-3 overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Environments, page {page.query.page} of {page.pages}</caption>
            <thead className="bg-slate-100 text-slate-600 dark:bg-slate-900 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-3 py-2">
                  <input type="checkbox" checked={allPicked} onChange={toggleAll} disabled={pickable.length === 0} className="h-4 w-4" aria-label="Pick every environment on this page" />
                </th>
                <th scope="col" className="px-3 py-2">
                  Name
                </th>
                <SortHeader label="Template" sort="template" page={page} />
                <SortHeader label="Owner" sort="owner" page={page} />
                <SortHeader label="Phase" sort="phase" page={page} />
                <th scope="col" className="px-3 py-2">
                  URL
                </th>
                <SortHeader label="Expires" sort="expires" page={page} />
                <SortHeader label="Age" sort="created" page={page} />
                <th scope="col" className="px-3 py-2">
                  Namespace
                </th>
                <SortHeader label="UUID" sort="uuid" page={page} />
                <th scope="col" className="px-3 py-2">
                  Message
                </th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr key={row.uuid} data-testid={`environment-row-${row.uuid}`} className={`border-t border-slate-200 dark:border-slate-800 ${picked.has(row.uuid) && !row.endedAt ? "bg-brand-50 dark:bg-slate-800/60" : ""}`}>
                  <td className={cell}>
                    <input
                      type="checkbox"
                      checked={picked.has(row.uuid) && !row.endedAt}
                      disabled={Boolean(row.endedAt)}
                      onChange={() => toggle(row.uuid)}
                      aria-label={`Pick ${row.name}`}
                      className="h-4 w-4"
                    />
                  </td>
                  <td className={`${cell} min-w-44`}>
                    <Link href={`/admin/environments/${row.uuid}`} className="font-mono text-xs font-medium break-all text-brand-700 hover:underline dark:text-brand-100">
                      {row.name}
                    </Link>
                    {row.pooled && <span className={`block text-xs ${muted}`}>{row.owner ? "claimed pool member" : "pool member"}</span>}
                  </td>
                  <td className={`${cell} min-w-36`}>
                    {row.displayName} <span className={`text-xs ${muted}`}>v{row.version}</span>
                    <span className={`block font-mono text-xs ${muted}`}>
                      {row.template}
                      {row.templateDeleted && " (deleted)"}
                    </span>
                  </td>
                  <td className={`${cell} whitespace-nowrap`}>{row.owner ?? <span className={muted}>unclaimed</span>}</td>
                  <td className={`${cell} min-w-36`}>
                    <PhaseBadge phase={row.phase} health={row.health} ended={row.endedAt !== null} />
                    {row.problem && <span className="mt-1 block max-w-48 text-xs text-red-700 dark:text-red-300">{row.problem.summary.split(". ")[0]}.</span>}
                  </td>
                  <td className={`${cell} min-w-60`}>
                    {row.url ? (
                      <a href={row.url} target="_blank" rel="noreferrer" className="text-xs break-all text-brand-700 underline dark:text-brand-100">
                        {row.url.replace(/^https?:\/\//, "").replace(/\/$/, "")}
                      </a>
                    ) : (
                      <span className={muted}>—</span>
                    )}
                  </td>
                  <td className={`${cell} whitespace-nowrap`}>{expiryText(row, now)}</td>
                  <td className={`${cell} whitespace-nowrap`} title={row.createdAt}>
                    {formatDuration((now - Date.parse(row.createdAt)) / 1000)}
                  </td>
                  <td className={`${cell} min-w-52 font-mono text-xs break-all`}>{row.namespace ?? "—"}</td>
                  <td className={`${cell} font-mono text-xs`}>{row.uuid}</td>
                  <td className={`${cell} min-w-72 text-xs break-words`} title={row.message ?? undefined}>
                    {row.message && row.message.length > 160 ? `${row.message.slice(0, 160)}…` : row.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {page.pages > 1 && (
        <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center gap-3 text-sm">
          {page.query.page > 1 ? (
            <Link href={pageHref(page.query.page - 1)} className={button}>
              Previous
            </Link>
          ) : (
            <span aria-disabled="true" className={`${button} opacity-60`}>
              Previous
            </span>
          )}
          <span aria-current="page">
            Page {page.query.page} of {page.pages}
          </span>
          {page.query.page < page.pages ? (
            <Link href={pageHref(page.query.page + 1)} className={button}>
              Next
            </Link>
          ) : (
            <span aria-disabled="true" className={`${button} opacity-60`}>
              Next
            </span>
          )}
        </nav>
      )}

      <BulkConfirmDialog ref={dialog} preview={preview} scope={scopeText} error={dialogError} pending={pending} onConfirm={confirm} />
    </>
  );
}
