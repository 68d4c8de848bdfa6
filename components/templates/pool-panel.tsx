"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, useTransition } from "react";
import { recyclePoolAction } from "@/app/(staff)/admin/templates/[name]/actions";
import { LocalTime } from "@/components/student/local-time";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/notice";
import type { ActionState } from "@/lib/auth/actions";
import { poolStateQuery } from "@/lib/client/queries";
import type { RecycleScope } from "@/lib/domain/pool-state";
import type { PoolState } from "@/lib/services/pools/get-pool-state";
import type { RecyclePoolResult } from "@/lib/services/pools/recycle-pool";

const SCOPE_LABELS: Record<RecycleScope, { label: string; help: string }> = {
  outdated: { label: "Members of older versions", help: "Replaced by members of the current version." },
  failed: { label: "Failed and stuck members", help: "Members that failed to start, or are past their launch limit." },
  all: { label: "Every unclaimed member", help: "The pool starts again from empty: launches start on demand meanwhile, or wait." },
};

/** The narrowest choice first: ending every member is the last resort. */
const DIALOG_ORDER: RecycleScope[] = ["outdated", "failed", "all"];

function members(n: number): string {
  return `${n} ${n === 1 ? "member" : "members"}`;
}

/** The scope the dialog offers first: what most likely needs recycling now. */
function suggestedScope(state: PoolState): RecycleScope {
  if (state.recyclable.outdated > 0) return "outdated";
  if (state.recyclable.failed > 0) return "failed";
  return "all";
}

/**
 * The live state of a template's warm pool: the desired size against what is ready, starting, failed and
 * claimed, the members by version (the current one marked, older ones marked outdated while they are
 * replaced), the last failure and the members ended last, and a recycle by hand behind a confirmation that
 * says how many members it ends. Polls `GET /api/v1/templates/{name}/pool` while the page is open; one polite
 * sentence in a live region changes only when what an admin follows does.
 */
export function PoolPanel({ name, initial }: { name: string; initial: PoolState }) {
  const query = useQuery({ ...poolStateQuery(name), initialData: initial, initialDataUpdatedAt: Date.parse(initial.observedAt) });
  const state = query.data;
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [scope, setScope] = useState<RecycleScope>(() => suggestedScope(initial));
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [recycling, startRecycling] = useTransition();
  const now = Date.parse(state.observedAt);
  const count = state.recyclable[scope];
  const fetchFailed = query.isError && query.error ? query.error.message : null;

  function openDialog() {
    setScope(suggestedScope(state));
    setResult(null);
    dialog.current?.showModal();
  }

  function recycle() {
    startRecycling(async () => {
      const data = new FormData();
      data.set("name", name);
      data.set("scope", scope);
      const done = (await recyclePoolAction({ ok: false }, data)) as ActionState<RecyclePoolResult>;
      if (done.ok && done.result) {
        const ended = done.result.ended.length;
        setResult({ ok: true, text: ended > 0 ? `Ended ${members(ended)}: the worker tears them down and starts new ones in their place.` : "No member to end: nothing changed." });
      } else {
        setResult({ ok: false, text: done.message ?? "The pool could not be recycled." });
      }
      await queryClient.invalidateQueries({ queryKey: poolStateQuery(name).queryKey });
    });
  }

  const facts: [string, string][] = [
    ["Desired size", String(state.desired)],
    ["Available", String(state.totals.available)],
    ["Claimed", String(state.totals.claimed)],
    ["Starting", state.totals.stuck > 0 ? `${state.totals.starting} (${state.totals.stuck} stuck)` : String(state.totals.starting)],
    ["Failed", String(state.totals.failed)],
    ["Environments in all", state.maxSize > 0 ? `${state.liveInstances} of ${state.maxSize}` : `${state.liveInstances} (no limit)`],
  ];

  return (
    <div data-testid="pool-panel">
      <p role="status" aria-live="polite" className="sr-only">
        {state.sentence}
      </p>
      {state.paused && (
        <Notice tone="warning" className="mb-3">
          {state.paused}
        </Notice>
      )}
      {fetchFailed && (
        <p className="mb-3 text-sm text-amber-900 dark:text-amber-100">
          Could not refresh the pool ({fetchFailed}); showing what was last read. Trying again.
        </p>
      )}

      <dl data-testid="pool-facts" className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
        {facts.map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 px-3 py-2 dark:border-slate-800">
            <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
            <dd className="text-lg font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>

      <div data-scrolls className="relative mt-4 overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-left text-xs sm:text-sm">
          <caption className="px-2 py-2 text-left text-sm font-medium sm:px-3">Members by version</caption>
          <thead className="bg-slate-100 text-slate-600 dark:bg-slate-900 dark:text-slate-400">
            <tr>
              {["Version", "Available", "Starting", "Failed", "Claimed", "Ending"].map((column) => (
                <th key={column} scope="col" className="px-1.5 py-2 sm:px-3">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {state.versions.length === 0 && (
              <tr className="border-t border-slate-200 dark:border-slate-800">
                <td colSpan={6} className="px-1.5 py-2 text-slate-600 sm:px-3 dark:text-slate-400">
                  No members yet.
                </td>
              </tr>
            )}
            {state.versions.map((row) => (
              <tr key={row.version} className={`border-t border-slate-200 dark:border-slate-800 ${row.current ? "bg-emerald-50 dark:bg-emerald-950/40" : ""}`}>
                <th scope="row" className="px-1.5 py-2 font-medium sm:px-3">
                  v{row.version}{" "}
                  {row.current ? (
                    <span className="ml-1 inline-block rounded-full bg-emerald-100 px-2 text-xs font-medium text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100">current</span>
                  ) : (
                    <span className="ml-1 inline-block rounded-full bg-amber-100 px-2 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100">
                      outdated{row.beingReplaced ? ", being replaced" : ""}
                    </span>
                  )}
                </th>
                {[row.available, row.starting, row.failed, row.claimed, row.ending].map((value, i) => (
                  <td key={i} className="px-1.5 py-2 tabular-nums sm:px-3">
                    {value}
                    {i === 1 && row.stuck > 0 && <span className="text-xs text-amber-900 dark:text-amber-100"> ({row.stuck} stuck)</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {state.versions.some((row) => !row.current && row.claimed > 0) && (
        <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">Claimed members keep their version until their users end them.</p>
      )}

      {state.lastFailure && (
        <div className="mt-4 text-sm">
          <h3 className="font-medium">Last failure</h3>
          <p className="mt-1 text-slate-600 dark:text-slate-400">
            Member {state.lastFailure.uuid} of v{state.lastFailure.version}, <LocalTime iso={state.lastFailure.at} now={now} />
          </p>
          <p data-testid="pool-last-failure" className="mt-1 rounded-md bg-slate-100 px-3 py-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-slate-900">
            {state.lastFailure.message}
          </p>
        </div>
      )}

      {state.recent.length > 0 && (
        <div className="mt-4 text-sm">
          <h3 className="font-medium">Ended lately</h3>
          <ul aria-label="Members ended lately" className="mt-1 space-y-1">
            {state.recent.map((member) => (
              <li key={member.uuid} className="break-words">
                <span className="font-mono text-xs">{member.uuid}</span> (v{member.version}) · {member.message} ·{" "}
                <span className="text-slate-600 dark:text-slate-400">
                  <LocalTime iso={member.at} now={now} />
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button
          type="button"
          onClick={openDialog}
          disabled={recycling || state.recyclable.all === 0}
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          {recycling ? "Recycling…" : "Recycle members…"}
        </button>
        {state.recyclable.all === 0 && <span className="text-xs text-slate-600 dark:text-slate-400">No unclaimed member to recycle.</span>}
      </div>
      {result && (
        <p role={result.ok ? "status" : "alert"} className={`mt-2 text-sm ${result.ok ? "text-emerald-800 dark:text-emerald-200" : "text-red-700 dark:text-red-300"}`}>
          {result.text}
        </p>
      )}

      <ConfirmDialog ref={dialog} title="Recycle pool members?" confirm={`End ${members(count)}`} disabled={count === 0} onConfirm={recycle}>
        <fieldset>
          <legend className="font-medium text-slate-900 dark:text-slate-100">Which members</legend>
          <div className="mt-2 space-y-2">
            {DIALOG_ORDER.map((option) => (
              <label key={option} className="flex items-start gap-2">
                <input type="radio" name="recycle-scope" value={option} checked={scope === option} onChange={() => setScope(option)} className="mt-1" />
                <span>
                  {SCOPE_LABELS[option].label} ({state.recyclable[option]})
                  <span className="block text-xs text-slate-600 dark:text-slate-400">{SCOPE_LABELS[option].help}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <p data-testid="recycle-impact" className="pt-1">
          {count > 0
            ? `This ends ${members(count)}: the worker tears ${count === 1 ? "it" : "them"} down and starts members of version ${state.currentVersion} in ${count === 1 ? "its" : "their"} place. Claimed members are not touched.`
            : "No member of this kind to end right now."}
        </p>
      </ConfirmDialog>
    </div>
  );
}
