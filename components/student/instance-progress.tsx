"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useState, useTransition } from "react";
import { deleteAction } from "@/app/(student)/actions";
import { Notice } from "@/components/ui/notice";
import { ApiRequestError, environmentQuery } from "@/lib/client/queries";
import { describeEstimate, formatDuration, launchProgress, type StepState } from "@/lib/domain/progress";
import type { EnvironmentView } from "@/lib/services/instances/view";
import { ConnectionInstructions } from "./connection-instructions";
import { CopyButton } from "./copy-button";
import { actionFormData } from "./action-form-data";
import { DeleteButton } from "./delete-dialog";
import { EnvironmentDetails, EnvironmentFacts, ProblemNotice } from "./environment-facts";
import { retryLaunch } from "./retry-launch";
import { useNow } from "./use-now";

/** How often the browser asks while an environment is on its way. */
const POLL_MS = 1000;

/**
 * The live view of one launch: the step timeline, time so far against the usual time, any trouble in plain
 * words, then the URL. Follows the instance through TanStack Query polling. A failure says what happened,
 * keeps the raw report under "Technical details", and offers Retry and Delete (`onGone` once deleted).
 */
export function InstanceProgress({
  initial,
  estimateSeconds,
  serverNow,
  staff = false,
  onGone,
}: {
  initial: EnvironmentView;
  estimateSeconds: number | null;
  serverNow: number;
  staff?: boolean;
  onGone?: () => void;
}) {
  const [current, setCurrent] = useState(initial);
  const queryClient = useQueryClient();
  const query = useQuery({
    ...environmentQuery(current.uuid),
    initialData: current,
    initialDataUpdatedAt: serverNow,
    refetchInterval: (q) => (q.state.data && launchProgress(q.state.data).outcome === "progressing" ? POLL_MS : false),
  });
  const environment = query.data;
  const progress = launchProgress(environment);
  const running = progress.outcome === "progressing";
  // Ticks while under way (time so far), and slowly afterwards for the countdown beside the end time.
  const now = useNow(serverNow, running ? 1000 : 15_000);
  const [retryError, setRetryError] = useState<string | null>(null);
  const [acting, startAction] = useTransition();
  const [action, setAction] = useState<"retry" | "delete" | null>(null);

  const gone = query.error instanceof ApiRequestError && query.error.status === 404;
  const started = Date.parse(environment.claimedAt ?? environment.createdAt);
  const elapsed = Math.max(0, (now - started) / 1000);
  const tookSeconds = environment.readyAt ? Math.max(0, (Date.parse(environment.readyAt) - Date.parse(environment.createdAt)) / 1000) : null;

  function retry() {
    setRetryError(null);
    setAction("retry");
    startAction(async () => {
      const retried = await retryLaunch(environment);
      if (!retried.ok) return setRetryError(retried.message);
      queryClient.setQueryData(environmentQuery(retried.environment.uuid).queryKey, retried.environment);
      setCurrent(retried.environment);
    });
  }

  function remove() {
    setRetryError(null);
    setAction("delete");
    startAction(async () => {
      const released = await deleteAction({ ok: false }, actionFormData({ uuid: environment.uuid }));
      if (!released.ok) return setRetryError(released.message ?? "Could not delete the environment.");
      onGone?.();
    });
  }

  const headline = gone
    ? "This environment no longer exists"
    : {
        progressing: "Starting your environment…",
        ready: "Your environment is ready",
        failed: "The launch failed",
        ended: "This environment is being deleted",
      }[progress.outcome];

  return (
    <section aria-labelledby="progress-heading" className="mt-6 rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
      <h2 id="progress-heading" className="text-lg font-semibold" role="status" aria-live="polite">
        {headline}
      </h2>
      <ol aria-label="Launch progress" className="mt-4 grid gap-3 sm:grid-cols-4">
        {progress.steps.map((step) => (
          <li key={step.id} data-state={step.state} className="flex items-start gap-3 sm:flex-col sm:gap-2">
            <StepMarker state={step.state} />
            <div>
              <p className="text-sm font-medium">
                {step.label}
                <span className="sr-only"> ({STATE_WORDS[step.state]})</span>
              </p>
              <p className="text-xs text-slate-600 dark:text-slate-400">{step.hint}</p>
            </div>
          </li>
        ))}
      </ol>

      <p className="mt-4 text-sm text-slate-700 dark:text-slate-300" data-testid="launch-timing">
        {running && (
          <>
            {formatDuration(elapsed)} so far
            {describeEstimate(elapsed, estimateSeconds) ? <> · {describeEstimate(elapsed, estimateSeconds)}</> : <> · no estimate yet: this is the first launch of this template</>}
          </>
        )}
        {progress.outcome === "ready" &&
          (environment.claimedAt && environment.pooled ? "Ready at once: a warm environment was waiting for you." : tookSeconds !== null ? `Ready in ${formatDuration(tookSeconds)}.` : "Ready.")}
      </p>
      {running && <ProblemNotice environment={environment} staff={staff} className="mt-3" />}

      {progress.outcome === "ready" && environment.connectionType === "instructions" && environment.connectionMessage !== null && (
        <ConnectionInstructions
          message={environment.connectionMessage}
          name={environment.displayName}
          className="mt-4 rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-emerald-950 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-50"
        />
      )}
      {progress.outcome === "ready" && environment.connectionType === "web" && environment.url && (
        <div className="mt-4 rounded-lg border border-emerald-200 bg-emerald-50 p-4 dark:border-emerald-900 dark:bg-emerald-950">
          <p className="text-sm font-medium text-emerald-900 dark:text-emerald-100">Your environment is at</p>
          <code data-testid="instance-url" className="mt-1 block rounded bg-white px-2 py-1 text-sm wrap-anywhere dark:bg-slate-900">
            {environment.url}
          </code>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <a
              href={environment.url}
              target="_blank"
              rel="noopener noreferrer"
              className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
            >
              Open<span className="sr-only"> {environment.displayName} in a new tab</span>
            </a>
            <CopyButton text={environment.url} />
          </div>
        </div>
      )}

      {progress.outcome === "failed" && (
        <>
          <ProblemNotice environment={environment} staff={staff} className="mt-4" />
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <button
              type="button"
              onClick={retry}
              disabled={acting}
              className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:cursor-wait disabled:opacity-70"
            >
              {acting && action === "retry" ? "Retrying…" : "Retry"}
            </button>
            <DeleteButton displayName={environment.displayName} pending={acting && action === "delete"} onConfirm={remove} />
          </div>
        </>
      )}
      {retryError && (
        <Notice tone="danger" className="mt-3">
          {retryError}
        </Notice>
      )}
      {!gone && progress.outcome !== "ended" && (
        <div className="mt-4 grid gap-3">
          <EnvironmentFacts environment={environment} now={now} />
          <EnvironmentDetails environment={environment} summary={progress.outcome === "failed" ? "Technical details" : "Details"} />
        </div>
      )}
      {query.error && !gone && (
        <p className="mt-3 text-sm text-amber-800 dark:text-amber-200">Lost contact with the portal ({query.error.message}); still trying.</p>
      )}

      <p className="mt-5 text-sm">
        <Link href="/environments" className="font-medium text-brand-600 underline dark:text-brand-100">
          My environments
        </Link>
      </p>
    </section>
  );
}

const STATE_WORDS: Record<StepState, string> = { done: "done", current: "in progress", todo: "not started", failed: "failed" };

function StepMarker({ state }: { state: StepState }) {
  const base = "grid h-7 w-7 shrink-0 place-items-center rounded-full border-2 text-xs font-bold";
  if (state === "done") return <span aria-hidden="true" className={`${base} border-emerald-600 bg-emerald-600 text-white`}>✓</span>;
  if (state === "failed") return <span aria-hidden="true" className={`${base} border-red-700 bg-red-700 text-white`}>✕</span>;
  if (state === "current") {
    return (
      <span aria-hidden="true" className={`${base} border-brand-600`}>
        <span className="h-3 w-3 animate-pulse rounded-full bg-brand-600 motion-reduce:animate-none" />
      </span>
    );
  }
  return <span aria-hidden="true" className={`${base} border-slate-300 dark:border-slate-600`} />;
}
