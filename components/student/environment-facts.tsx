"use client";

import type { ReactNode } from "react";
import { Notice } from "@/components/ui/notice";
import { expiryTone, formatCountdown, type ExpiryTone } from "@/lib/domain/ttl";
import type { EnvironmentView } from "@/lib/services/instances/view";
import { LocalTime } from "./local-time";

/**
 * What an environment card and the launch progress show about one environment, beside its actions: when it
 * started and ends, the parameters it was launched with, what is wrong in plain words, and the internals
 * behind a disclosure. Long values wrap anywhere, so nothing is wider than a phone.
 */

const TONE_CLASSES: Record<ExpiryTone, string> = {
  normal: "text-slate-700 dark:text-slate-300",
  unlimited: "text-slate-700 dark:text-slate-300",
  amber: "rounded bg-amber-100 px-1.5 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  red: "rounded bg-red-100 px-1.5 font-semibold text-red-800 dark:bg-red-900 dark:text-red-100",
  expired: "rounded bg-slate-200 px-1.5 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
};

/** A parameter value as text: strings as they are, anything else as JSON. */
function valueText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-wrap gap-x-2">
      <dt className="text-slate-600 dark:text-slate-400">{term}</dt>
      <dd className="min-w-0 wrap-anywhere">{children}</dd>
    </div>
  );
}

/** Started, ends (local time next to the countdown) and the parameters chosen. */
export function EnvironmentFacts({ environment, now }: { environment: EnvironmentView; now: number }) {
  const expiresAt = environment.expiresAt ? new Date(environment.expiresAt) : null;
  const tone = expiryTone(expiresAt, new Date(now));
  const params = Object.entries(environment.params);
  return (
    <dl className="grid gap-1 text-sm">
      <Fact term="Started">
        <LocalTime iso={environment.claimedAt ?? environment.createdAt} now={now} />
      </Fact>
      <Fact term={environment.phase === "Failed" ? "Removed" : "Ends"}>
        {expiresAt === null ? (
          <span data-testid="countdown" data-tone={tone} className={TONE_CLASSES[tone]}>
            No time limit
          </span>
        ) : environment.phase === "Failed" ? (
          <>
            at <LocalTime iso={environment.expiresAt!} now={now} /> unless you delete it first
          </>
        ) : (
          <>
            <LocalTime iso={environment.expiresAt!} now={now} /> ·{" "}
            <span data-testid="countdown" data-tone={tone} className={TONE_CLASSES[tone]}>
              {tone === "expired" ? "expired: being removed" : <>in {formatCountdown(expiresAt.getTime() - now)}</>}
            </span>
          </>
        )}
      </Fact>
      {params.map(([name, value]) => (
        <Fact key={name} term={name}>
          <span className="font-mono text-xs">{valueText(value)}</span>
        </Fact>
      ))}
    </dl>
  );
}

/**
 * What is wrong, for the owner in plain words; staff also read the fix and the raw report, which students
 * find under "Technical details".
 */
export function ProblemNotice({ environment, staff, className = "" }: { environment: EnvironmentView; staff: boolean; className?: string }) {
  const { problem } = environment;
  if (!problem) return null;
  const failed = environment.phase === "Failed";
  return (
    <Notice tone={failed ? "danger" : "warning"} className={className}>
      <p data-testid="problem" className="font-medium wrap-anywhere">
        {problem.summary}
      </p>
      {staff && (
        <>
          <p className="mt-2 wrap-anywhere">
            <span className="font-medium">For staff:</span> {problem.fix}
          </p>
          {environment.message && <p className="mt-1 font-mono text-xs wrap-anywhere">{environment.message}</p>}
        </>
      )}
    </Notice>
  );
}

/**
 * The internals, folded away: ids, version, namespace, engine reference and the raw report. `summary` names
 * the disclosure ("Details" on a card, "Technical details" beside a failure).
 */
export function EnvironmentDetails({ environment, summary = "Details" }: { environment: EnvironmentView; summary?: string }) {
  const rows: [string, string | null][] = [
    ["Environment id", environment.uuid],
    ["Template", `${environment.name}, version ${environment.version}`],
    ["Namespace", environment.namespace],
    ["Engine reference", environment.engineRef],
    ["Step", environment.step],
    ["Last report", environment.message],
  ];
  return (
    <details className="group text-sm">
      <summary className="w-fit cursor-pointer rounded text-slate-700 underline-offset-2 hover:underline dark:text-slate-300">{summary}</summary>
      <dl className="mt-2 grid gap-1 rounded-md bg-slate-100 p-3 text-xs dark:bg-slate-800">
        {rows
          .filter((row): row is [string, string] => row[1] !== null && row[1] !== "")
          .map(([term, value]) => (
            <div key={term} className="min-w-0">
              <dt className="font-medium text-slate-700 dark:text-slate-300">{term}</dt>
              <dd className="font-mono wrap-anywhere text-slate-800 dark:text-slate-200">{value}</dd>
            </div>
          ))}
      </dl>
    </details>
  );
}
