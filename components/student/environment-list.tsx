"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useState, useTransition } from "react";
import { deleteAction, extendAction } from "@/app/(student)/actions";
import { TemplateIconTile } from "@/components/template-icon";
import { Notice } from "@/components/ui/notice";
import { environmentsQuery } from "@/lib/client/queries";
import { RUNNING_PHASES } from "@/lib/domain/phase";
import { formatDuration, launchProgress } from "@/lib/domain/progress";
import { expiryTone } from "@/lib/domain/ttl";
import type { EnvironmentList as List } from "@/lib/services/instances/list";
import type { EnvironmentView } from "@/lib/services/instances/view";
import { ConnectionInstructions } from "./connection-instructions";
import { CopyButton } from "./copy-button";
import { DeleteButton } from "./delete-dialog";
import { actionFormData } from "./action-form-data";
import { EnvironmentDetails, EnvironmentFacts, ProblemNotice } from "./environment-facts";
import { retryLaunch } from "./retry-launch";
import { useNow } from "./use-now";
import { PHASE_WORDS } from "./phase-words";

/** Polling while something is on its way, slower otherwise (expiry and teardown happen in the background). */
const FAST_POLL_MS = 2000;
const SLOW_POLL_MS = 15_000;

/**
 * "My environments": live list with when each started and ends, what fits its phase (extend, retry, delete)
 * and the quota in use. `staff` shows the raw reports and their fix where students get plain words.
 */
export function EnvironmentList({ initial, serverNow, staff = false }: { initial: List; serverNow: number; staff?: boolean }) {
  const query = useQuery({
    ...environmentsQuery(),
    initialData: initial,
    initialDataUpdatedAt: serverNow,
    refetchInterval: (q) => (q.state.data?.environments.some((e) => launchProgress(e).outcome === "progressing") ? FAST_POLL_MS : SLOW_POLL_MS),
  });
  const now = useNow(serverNow);
  // Kept here, not on the card: after a delete, or an action on a stale page, the card itself goes away.
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const { environments, quota } = query.data;
  // Templates with a lower limit of their own, which the caller cannot launch right now.
  const blocking = quota.templates.filter((t) => t.limit !== null && quota.used >= t.limit && (quota.limit === null || t.limit < quota.limit));
  return (
    <>
      {outcome && (
        <p
          role={outcome.ok ? "status" : "alert"}
          className={`mt-4 rounded-md border px-3 py-2 text-sm ${outcome.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-100" : "border-red-200 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"}`}
        >
          {outcome.message}
        </p>
      )}
      <p className="mt-1 text-slate-600 dark:text-slate-400">
        Environments in use:{" "}
        <strong data-testid="quota" className="text-slate-900 dark:text-slate-100">
          {quota.used} / {quota.limit ?? "unlimited"}
        </strong>
        {quota.limit !== null && quota.used >= quota.limit && <> · you are at your quota: delete one to launch another</>}
      </p>
      {blocking.length > 0 && (
        <p data-testid="quota-templates" className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {blocking.map((t) => `${t.displayName} allows ${t.limit} at a time`).join(", ")}: delete one to launch {blocking.length === 1 ? "it" : "them"}.
        </p>
      )}
      {environments.length === 0 ? (
        <div className="mt-8 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
          <p>You have no environments yet.</p>
          <Link href="/" className="mt-2 inline-block font-medium text-brand-600 underline dark:text-brand-100">
            Browse the catalog
          </Link>
        </div>
      ) : (
        <ul className="mt-6 grid gap-4 lg:grid-cols-2">
          {environments.map((environment) => (
            <EnvironmentCard key={environment.uuid} environment={environment} now={now} staff={staff} onOutcome={setOutcome} />
          ))}
        </ul>
      )}
    </>
  );
}


/**
 * Why a running environment cannot be extended, in words; null when it can. Extending is offered only while
 * an environment runs: one still starting has its whole time ahead, a failed one nothing to keep.
 */
function extendBlocked(environment: EnvironmentView, expired: boolean): string | null {
  if (environment.isUnlimited) return "No time limit: nothing to extend.";
  if (expired) return "It has expired.";
  if (environment.maxExtends <= 0 || environment.extendSeconds <= 0) return "This environment cannot be extended.";
  if (environment.extensionsLeft === 0) return `No extensions left (used ${environment.extendCount} of ${environment.maxExtends}).`;
  return null;
}

const SECONDARY_BUTTON =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";
const PRIMARY_BUTTON = "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:cursor-wait disabled:opacity-70";

function EnvironmentCard({
  environment,
  now,
  staff,
  onOutcome,
}: {
  environment: EnvironmentView;
  now: number;
  staff: boolean;
  onOutcome: (outcome: { ok: boolean; message: string } | null) => void;
}) {
  const queryClient = useQueryClient();
  const [pending, start] = useTransition();
  const [working, setWorking] = useState<"extend" | "delete" | "retry" | null>(null);
  const tone = expiryTone(environment.expiresAt ? new Date(environment.expiresAt) : null, new Date(now));
  const running = RUNNING_PHASES.includes(environment.phase);
  const failed = environment.phase === "Failed";
  const blocked = running ? extendBlocked(environment, tone === "expired") : null;
  const phase = PHASE_WORDS[environment.phase] ?? PHASE_WORDS.Pending!;
  const progressing = launchProgress(environment).outcome === "progressing";
  const name = environment.displayName;

  function run(kind: "extend" | "delete" | "retry") {
    onOutcome(null);
    setWorking(kind);
    start(async () => {
      if (kind === "retry") {
        const retried = await retryLaunch(environment);
        onOutcome(retried.ok ? { ok: true, message: `${name} is starting again.` } : { ok: false, message: `${name}: ${retried.message}` });
      } else {
        const form = actionFormData({ uuid: environment.uuid });
        const state = kind === "extend" ? await extendAction({ ok: false }, form) : await deleteAction({ ok: false }, form);
        if (state.ok) {
          onOutcome({ ok: true, message: kind === "extend" ? `${name} extended by ${formatDuration(environment.extendSeconds)}.` : `${name} is being deleted.` });
        } else {
          // Most often a stale page: the environment expired or was deleted elsewhere. The refetch shows the truth.
          onOutcome({ ok: false, message: `${name}: ${state.message ?? "that did not work."} The list has been refreshed.` });
        }
      }
      await queryClient.invalidateQueries({ queryKey: environmentsQuery().queryKey });
      setWorking(null);
    });
  }

  return (
    <li data-testid={`environment-${environment.uuid}`} className="flex min-w-0 flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-start gap-3">
        <TemplateIconTile icon={environment.icon} size="sm" />
        <div className="min-w-0 flex-1">
          <h2 className="flex flex-wrap items-center gap-2 font-medium wrap-anywhere">
            {name}
            <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${phase.className}`}>{phase.label}</span>
            {environment.shared && (
              <span className="rounded-full bg-violet-100 px-2 py-0.5 text-xs font-medium text-violet-800 dark:bg-violet-900 dark:text-violet-100">
                Shared with {environment.owner}
              </span>
            )}
          </h2>
          <EnvironmentFacts environment={environment} now={now} />
        </div>
      </div>

      <ProblemNotice environment={environment} staff={staff} />
      {environment.connectionType === "instructions" && environment.connectionMessage !== null && running && (
        <ConnectionInstructions message={environment.connectionMessage} name={name} className="rounded-md border border-slate-200 bg-slate-50 p-3 dark:border-slate-800 dark:bg-slate-900" />
      )}
      {environment.connectionType === "web" && environment.url && running && (
        <div className="flex flex-wrap items-center gap-2">
          <a href={environment.url} target="_blank" rel="noopener noreferrer" className={PRIMARY_BUTTON}>
            Open<span className="sr-only"> {name} in a new tab</span>
          </a>
          <CopyButton text={environment.url} />
          <code className="min-w-0 basis-full text-xs text-slate-600 wrap-anywhere dark:text-slate-400">{environment.url}</code>
        </div>
      )}
      {progressing && (
        <p className="text-sm">
          <Link href={`/run/${environment.name}`} className="font-medium text-brand-600 underline dark:text-brand-100">
            See progress<span className="sr-only"> of {name}</span>
          </Link>
        </p>
      )}
      {tone === "red" && !failed && (
        <Notice tone="danger">
          {/* Fixed wording: an alert whose text ticked every second would be read out every second. */}
          {name} will be deleted in less than 2 minutes. {running && !blocked ? "Extend it to keep working." : "Save your work now."}
        </Notice>
      )}

      <div className="flex flex-wrap items-center gap-2">
        {failed && (
          <button type="button" onClick={() => run("retry")} disabled={pending} className={PRIMARY_BUTTON}>
            {working === "retry" ? "Retrying…" : "Retry"}
            <span className="sr-only"> {name}</span>
          </button>
        )}
        {running && !blocked && (
          <button type="button" onClick={() => run("extend")} disabled={pending} className={SECONDARY_BUTTON}>
            {working === "extend" ? "Extending…" : `Extend by ${formatDuration(environment.extendSeconds)}`}
          </button>
        )}
        <DeleteButton displayName={name} pending={working === "delete"} onConfirm={() => run("delete")} />
        {blocked && <span className="text-xs text-slate-600 dark:text-slate-400">{blocked}</span>}
      </div>
      <EnvironmentDetails environment={environment} />
    </li>
  );
}
