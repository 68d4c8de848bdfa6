"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useRef, useState, useTransition } from "react";
import { classBulkAction } from "@/app/(staff)/teach/classes/[slug]/actions";
import { BulkConfirmDialog, BulkSummary } from "@/components/admin/bulk-outcomes";
import { PHASE_WORDS } from "@/components/student/phase-words";
import type { ActionState } from "@/lib/auth/actions";
import { classEnvironmentsQuery } from "@/lib/client/queries";
import { classViewHref, type ClassBulkAction, type ClassViewStatus } from "@/lib/domain/class-view";
import { formatDuration } from "@/lib/domain/progress";
import type { ClassEnvironments, ClassViewCell, ClassViewTemplate } from "@/lib/services/classes/get-class-environments";
import type { ClassBulkResult } from "@/lib/services/classes/run-class-bulk";

const muted = "text-slate-600 dark:text-slate-400";
const button =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";
const dangerButton =
  "rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:cursor-not-allowed disabled:opacity-60 dark:border-red-800 dark:bg-slate-900 dark:text-red-300 dark:hover:bg-red-950";
const smallButton = "rounded px-1.5 py-0.5 text-xs font-medium underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600 disabled:opacity-60";

const FILTERS: { status: ClassViewStatus | null; label: string }[] = [
  { status: null, label: "Everyone" },
  { status: "running", label: "Running" },
  { status: "failed", label: "Failed" },
  { status: "expiring", label: "Expiring within 30 min" },
  { status: "not-started", label: "Not started" },
];

/** What a bulk action asks for, before the count is confirmed. */
type Targets = { students: string[] | null; template: string | null };

async function sendBulk(slug: string, action: ClassBulkAction, targets: Targets, step: { dryRun: true } | { confirm: number }): Promise<ActionState<ClassBulkResult>> {
  const data = new FormData();
  data.set("slug", slug);
  data.set("request", JSON.stringify({ action, ...(targets.students && { students: targets.students }), ...(targets.template && { template: targets.template }), ...step }));
  return (await classBulkAction({ ok: false }, data)) as ActionState<ClassBulkResult>;
}

/** An extended environment's reason says until when, in the reader's clock. */
function withExpiry(result: ClassBulkResult): ClassBulkResult {
  return {
    ...result,
    items: result.items.map((item) =>
      item.expiresAt ? { ...item, reason: `Now until ${new Date(item.expiresAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}.` } : item,
    ),
  };
}

function Cell({ cell, template, slug, now }: { cell: ClassViewCell; template: ClassViewTemplate; slug: string; now: number }) {
  if (cell.state === "not-started") {
    return (
      <span className={`text-sm ${muted}`}>
        Not started
        {cell.launchedAt && <span className="block text-xs">last launched {formatDuration((now - Date.parse(cell.launchedAt)) / 1000)} ago</span>}
      </span>
    );
  }
  const words = PHASE_WORDS[cell.phase ?? "Pending"] ?? PHASE_WORDS.Pending!;
  const left = cell.expiresAt ? (Date.parse(cell.expiresAt) - now) / 1000 : null;
  return (
    <span className="flex flex-col items-start gap-0.5 text-sm">
      <span className={`rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${words.className}`}>{words.label}</span>
      {cell.state !== "ending" && left !== null && (
        <span className={`text-xs whitespace-nowrap ${cell.expiringSoon ? "font-medium text-amber-800 dark:text-amber-200" : muted}`}>
          {left > 0 ? `${formatDuration(left)} left` : "time is up"}
        </span>
      )}
      {cell.state !== "ending" && left === null && <span className={`text-xs ${muted}`}>no time limit</span>}
      {cell.launchedAt && <span className={`text-xs whitespace-nowrap ${muted}`}>launched {formatDuration((now - Date.parse(cell.launchedAt)) / 1000)} ago</span>}
      {cell.sharedWith && <span className="text-xs text-violet-800 dark:text-violet-200">shared by group {cell.sharedWith}</span>}
      {cell.canOpen && cell.uuid && (
        <a
          href={`/teach/classes/${encodeURIComponent(slug)}/open/${cell.uuid}`}
          target="_blank"
          rel="noopener"
          className="mt-0.5 rounded-md bg-brand-600 px-2 py-0.5 text-xs font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
        >
          Open<span className="sr-only"> {template.displayName} in a new tab</span>
        </a>
      )}
    </span>
  );
}

/**
 * The live class view: every student by every template of the class's catalogs, following changes by polling
 * `GET /api/v1/classes/{slug}/environments` with the filter of the page's address. Students can be picked
 * (or a column taken whole) to extend or end their environments; the server previews the action, the teacher
 * confirms the count, and a summary says what became of each environment.
 */
export function ClassEnvironmentsView({ initial }: { initial: ClassEnvironments }) {
  const slug = initial.class.slug;
  const query = useQuery({ ...classEnvironmentsQuery(slug, initial.query), initialData: initial, initialDataUpdatedAt: Date.parse(initial.observedAt) });
  const view = query.data;
  const now = Date.parse(view.observedAt);
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [picked, setPicked] = useState<Set<string>>(() => new Set());
  const [scopeTemplate, setScopeTemplate] = useState<string>("");
  const [targets, setTargets] = useState<Targets | null>(null);
  const [preview, setPreview] = useState<ClassBulkResult | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [barError, setBarError] = useState<string | null>(null);
  const [result, setResult] = useState<ClassBulkResult | null>(null);
  const [pending, startTransition] = useTransition();
  const shownNames = view.students.map((s) => s.username);
  const pickedNames = shownNames.filter((name) => picked.has(name));
  const allPicked = shownNames.length > 0 && pickedNames.length === shownNames.length;
  const displayName = (name: string | null) => view.templates.find((t) => t.name === name)?.displayName ?? null;
  const refetchFailed = query.isError && query.error ? query.error.message : null;

  function toggle(name: string) {
    setPicked((before) => {
      const after = new Set(before);
      if (after.has(name)) after.delete(name);
      else after.add(name);
      return after;
    });
  }

  function ask(action: ClassBulkAction, chosen: Targets) {
    setBarError(null);
    setDialogError(null);
    startTransition(async () => {
      const answer = await sendBulk(slug, action, chosen, { dryRun: true });
      if (!answer.ok || !answer.result) {
        const fields = answer.fieldErrors ? Object.values(answer.fieldErrors).flat() : [];
        setBarError(fields[0] ?? answer.message ?? "The action could not be prepared.");
        return;
      }
      if (answer.result.count === 0) {
        setBarError(`No environment to ${action}: ${chosen.students ? "the students picked have" : "nobody has"} none running${chosen.template ? ` of ${displayName(chosen.template)}` : ""}.`);
        return;
      }
      setTargets(chosen);
      setPreview(answer.result);
      dialog.current?.showModal();
    });
  }

  function confirm(shown: { action: ClassBulkAction; count: number }) {
    if (!targets) return;
    setDialogError(null);
    startTransition(async () => {
      const done = await sendBulk(slug, shown.action, targets, { confirm: shown.count });
      if (!done.ok || !done.result) {
        // The class changed since the preview (or the action was refused): show the new count to confirm again.
        setDialogError(done.message ?? "The action failed.");
        const again = await sendBulk(slug, shown.action, targets, { dryRun: true });
        if (again.ok && again.result) setPreview(again.result);
        return;
      }
      dialog.current?.close();
      setResult(withExpiry(done.result));
      setPicked(new Set());
      await queryClient.invalidateQueries({ queryKey: ["classes", slug, "environments"] });
    });
  }

  const scopeText = targets
    ? `${targets.students ? `The ${targets.students.length === 1 ? "student" : `${targets.students.length} students`} you picked` : "Every student of the class"}: ${
        targets.template ? `their ${displayName(targets.template)} environments` : "their environments of every template of the class"
      }.`
    : "";

  return (
    <>
      <p role="status" aria-live="polite" data-testid="class-summary" className="mt-3 text-base font-medium">
        {view.templates.length > 0 && view.studentCount > 0 ? view.summary : ""}
      </p>
      {refetchFailed && <p className="mt-1 text-sm text-amber-900 dark:text-amber-100">Could not refresh the class ({refetchFailed}); showing what was last read. Trying again.</p>}

      <div className="mt-3 flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
        <nav aria-label="Show students" className="flex flex-wrap gap-2">
          {FILTERS.map((filter) => {
            const current = view.query.status === filter.status;
            return (
              <Link
                key={filter.label}
                href={classViewHref(slug, { status: filter.status, search: view.query.search })}
                aria-current={current ? "page" : undefined}
                className={`rounded-full border px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 ${
                  current
                    ? "border-brand-600 bg-brand-600 text-white dark:border-brand-100 dark:bg-brand-100 dark:text-slate-900"
                    : "border-slate-300 bg-white text-slate-800 hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800"
                }`}
              >
                {filter.label}
              </Link>
            );
          })}
        </nav>
        <form role="search" action={`/teach/classes/${encodeURIComponent(slug)}`} className="flex gap-2">
          {view.query.status && <input type="hidden" name="status" value={view.query.status} />}
          <label htmlFor="class-search" className="sr-only">
            Search students
          </label>
          <input
            id="class-search"
            name="q"
            type="search"
            defaultValue={view.query.search}
            maxLength={100}
            placeholder="Search students"
            className="w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900 sm:w-56"
          />
          <button type="submit" className={button}>
            Search
          </button>
        </form>
      </div>

      {result && <BulkSummary result={result} onDismiss={() => setResult(null)} linked={false} />}

      {view.templates.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          This class has no templates yet — give it a catalog from the Catalogs page, and its templates appear here as columns.
        </p>
      ) : view.studentCount === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          No students yet — share the join code from the Roster tab.
        </p>
      ) : (
        <>
          <div role="group" aria-label="Act on the students picked" className="mt-4 flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
            <span className="text-sm font-medium" data-testid="picked-count">
              {pickedNames.length} {pickedNames.length === 1 ? "student" : "students"} picked
            </span>
            <label className="flex items-center gap-2 text-sm">
              <span>Environments of</span>
              <select
                value={scopeTemplate}
                onChange={(event) => setScopeTemplate(event.target.value)}
                className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
              >
                <option value="">every template</option>
                {view.templates.map((t) => (
                  <option key={t.name} value={t.name}>
                    {t.displayName}
                  </option>
                ))}
              </select>
            </label>
            <span className="flex flex-wrap gap-2 sm:ml-auto">
              <button type="button" className={button} disabled={pending || pickedNames.length === 0} onClick={() => ask("extend", { students: pickedNames, template: scopeTemplate || null })}>
                Extend…
              </button>
              <button type="button" className={dangerButton} disabled={pending || pickedNames.length === 0} onClick={() => ask("end", { students: pickedNames, template: scopeTemplate || null })}>
                End…
              </button>
            </span>
            {barError && (
              <p role="alert" className="w-full text-sm text-red-700 dark:text-red-300">
                {barError}
              </p>
            )}
          </div>

          {view.students.length === 0 ? (
            <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
              No student matches.{" "}
              <Link href={classViewHref(slug, {})} className="font-medium text-brand-700 underline dark:text-brand-100">
                Show everyone
              </Link>
            </p>
          ) : (
            <div data-scrolls className="relative mt-3 overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
              <table className="w-full border-separate border-spacing-0 text-left text-sm">
                <caption className="sr-only">
                  Environments of {view.class.title}: a row per student, a column per template
                </caption>
                <thead className="bg-slate-100 text-slate-700 dark:bg-slate-900 dark:text-slate-300">
                  <tr>
                    <th scope="col" className="sticky left-0 z-10 min-w-40 border-r border-b border-slate-200 bg-slate-100 px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
                      <span className="flex items-center gap-2">
                        <input type="checkbox" checked={allPicked} onChange={() => setPicked(allPicked ? new Set() : new Set(shownNames))} className="h-4 w-4" aria-label="Pick every student shown" />
                        Student
                      </span>
                    </th>
                    {view.templates.map((t) => (
                      <th key={t.name} scope="col" className="min-w-40 border-b border-slate-200 px-3 py-2 align-top dark:border-slate-800">
                        <span className="block font-semibold">{t.displayName}</span>
                        {t.ownership === "group" && <span className={`block text-xs font-normal ${muted}`}>one per group</span>}
                        <span className="mt-1 flex gap-1 font-normal">
                          <button type="button" className={`${smallButton} text-brand-700 dark:text-brand-100`} disabled={pending} onClick={() => ask("extend", { students: null, template: t.name })}>
                            Extend all<span className="sr-only"> {t.displayName}</span>
                          </button>
                          <button type="button" className={`${smallButton} text-red-700 dark:text-red-300`} disabled={pending} onClick={() => ask("end", { students: null, template: t.name })}>
                            End all<span className="sr-only"> {t.displayName}</span>
                          </button>
                        </span>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {view.students.map((student) => {
                    const isPicked = picked.has(student.username);
                    const rowTone = isPicked ? "bg-brand-50 dark:bg-slate-800" : "bg-white dark:bg-slate-950";
                    return (
                      <tr key={student.username} data-testid={`student-${student.username}`}>
                        <th scope="row" className={`sticky left-0 z-10 border-r border-b border-slate-200 px-3 py-2 text-left align-top font-normal dark:border-slate-800 ${rowTone}`}>
                          <label className="flex items-start gap-2">
                            <input type="checkbox" checked={isPicked} onChange={() => toggle(student.username)} className="mt-0.5 h-4 w-4" aria-label={`Pick ${student.displayName ?? student.username}`} />
                            <span className="min-w-0">
                              <span className="block font-medium break-words">{student.displayName ?? student.username}</span>
                              {student.displayName && <span className={`block text-xs break-all ${muted}`}>{student.username}</span>}
                            </span>
                          </label>
                        </th>
                        {student.cells.map((cell, index) => (
                          <td key={cell.template} data-testid={`cell-${student.username}-${cell.template}`} className={`border-b border-slate-200 px-3 py-2 align-top dark:border-slate-800 ${rowTone}`}>
                            <Cell cell={cell} template={view.templates[index]!} slug={slug} now={now} />
                          </td>
                        ))}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <p className={`mt-2 text-xs ${muted}`}>
            {view.students.length === view.studentCount ? `${view.studentCount} ${view.studentCount === 1 ? "student" : "students"}.` : `${view.students.length} of ${view.studentCount} students shown.`} Updates
            every few seconds.
          </p>
        </>
      )}

      <BulkConfirmDialog ref={dialog} preview={preview} scope={scopeText} error={dialogError} pending={pending} onConfirm={confirm} linked={false} />
    </>
  );
}
