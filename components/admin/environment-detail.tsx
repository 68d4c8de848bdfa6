"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useRef, useState, useTransition, type ReactNode } from "react";
import { retryAction } from "@/app/(staff)/admin/environments/actions";
import { LocalTime } from "@/components/student/local-time";
import { ConfirmDialog } from "@/components/ui/dialog";
import type { ActionState } from "@/lib/auth/actions";
import { adminEnvironmentQuery } from "@/lib/client/queries";
import { formatDuration } from "@/lib/domain/progress";
import type { AdminEnvironmentDetail } from "@/lib/services/instances/admin-view";
import type { RetryResult } from "@/lib/services/instances/retry";
import { runBulk } from "./bulk-request";
import { PhaseBadge } from "./phase-badge";

const muted = "text-slate-600 dark:text-slate-400";
const pre = "mt-2 max-h-96 overflow-auto rounded-md bg-slate-100 px-3 py-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-slate-900";
const section = "mt-10 scroll-mt-4";

type ActionName = "extend" | "end" | "retry";

function Section({ id, title, description, children }: { id: string; title: string; description?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className={section}>
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {description && <p className={`mt-1 text-sm ${muted}`}>{description}</p>}
      {children}
    </section>
  );
}

function Table({ caption, columns, children }: { caption: string; columns: string[]; children: ReactNode }) {
  return (
    <div data-scrolls className="relative mt-3 overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-100 text-slate-600 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col" className="px-3 py-2 whitespace-nowrap">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** JSON for people: two-space indented, or "none" for an empty object. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object" && Object.keys(value).length === 0) return "none";
  return JSON.stringify(value, null, 2);
}

/**
 * One environment as admins read it, following it live (polls `GET /api/v1/admin/environments/{uuid}`): its
 * facts, what is wrong with it, Flux's last report and conditions, parameters and rendered values, its
 * history and audit trail, and Extend, End and Retry behind confirmations, each saying why when it cannot.
 */
export function EnvironmentDetail({ initial }: { initial: AdminEnvironmentDetail }) {
  const query = useQuery({ ...adminEnvironmentQuery(initial.uuid), initialData: initial, initialDataUpdatedAt: Date.parse(initial.observedAt) });
  const env = query.data;
  const now = Date.parse(env.observedAt);
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [asked, setAsked] = useState<ActionName | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string; next?: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const refetchFailed = query.isError && query.error ? query.error.message : null;

  const questions: Record<ActionName, { title: string; body: string; confirm: string; danger: boolean }> = {
    extend: {
      title: `Extend ${env.name}?`,
      body: `It gets ${formatDuration(env.extendSeconds)} more (${env.extendCount} of ${env.maxExtends} extensions used so far).`,
      confirm: "Extend",
      danger: false,
    },
    end: { title: `End ${env.name}?`, body: "The worker tears it down: everything inside it is lost, as if its owner had deleted it. This cannot be undone.", confirm: "End environment", danger: true },
    retry: {
      title: `Retry ${env.name}?`,
      body: `It is ended, and ${env.displayName} is launched again for ${env.owner ?? "its owner"} with the same parameters.`,
      confirm: "Retry",
      danger: false,
    },
  };

  function ask(action: ActionName) {
    setAsked(action);
    setOutcome(null);
    dialog.current?.showModal();
  }

  function act(action: ActionName) {
    startTransition(async () => {
      if (action === "retry") {
        const data = new FormData();
        data.set("uuid", env.uuid);
        const done = (await retryAction({ ok: false }, data)) as ActionState<Omit<RetryResult, "environment"> & { uuid: string }>;
        setOutcome(
          done.ok && done.result
            ? { ok: true, text: `Retried: ${env.name} is ending, and ${env.template}-${done.result.uuid} takes its place.`, next: done.result.uuid }
            : { ok: false, text: done.message ?? "The environment could not be retried." },
        );
      } else {
        const done = await runBulk(action, { uuids: [env.uuid] }, 1);
        const item = done.result?.items[0];
        if (!done.ok || !item) setOutcome({ ok: false, text: done.message ?? "Nothing was done." });
        else if (item.outcome === "ended" || item.outcome === "extended") setOutcome({ ok: true, text: action === "end" ? "Ended: the worker is tearing it down." : "Extended." });
        else setOutcome({ ok: false, text: item.reason ?? "Nothing was done." });
      }
      await queryClient.invalidateQueries({ queryKey: adminEnvironmentQuery(env.uuid).queryKey });
    });
  }

  const facts: [string, ReactNode][] = [
    [
      "Template",
      env.templateDeleted ? (
        `${env.displayName} (${env.template}, deleted)`
      ) : (
        <Link href={`/admin/templates/${env.template}`} className="text-brand-700 underline dark:text-brand-100">
          {env.displayName}
        </Link>
      ),
    ],
    ["Version", `v${env.version}`],
    ["Owner", env.owner ?? "nobody (unclaimed pool member)"],
    ["Launched by", env.createdBy ?? "—"],
    ["Kind", env.method === "pool" ? (env.pooled ? "warm pool member" : "on demand (pool full)") : "on demand"],
    ["Step", env.step ?? "—"],
    [
      "URL",
      env.url ? (
        <a href={env.url} target="_blank" rel="noreferrer" className="break-all text-brand-700 underline dark:text-brand-100">
          {env.url}
        </a>
      ) : (
        "—"
      ),
    ],
    ["Namespace", <span key="ns" className="font-mono text-xs break-all">{env.namespace ?? "—"}</span>],
    ["Engine", <span key="engine" className="font-mono text-xs break-all">{env.engineRef ?? env.engine}</span>],
    ["Created", <LocalTime key="created" iso={env.createdAt} now={now} />],
    ["Ready", env.readyAt ? <LocalTime key="ready" iso={env.readyAt} now={now} /> : "—"],
    ["Expires", env.expiresAt ? <LocalTime key="expires" iso={env.expiresAt} now={now} /> : "never"],
    ["Extensions", env.extensionsLeft === null ? "no time limit" : `${env.extendCount} of ${env.maxExtends} used`],
    ["Ended", env.endedAt ? <LocalTime key="ended" iso={env.endedAt} now={now} /> : "—"],
  ];
  const question = asked ? questions[asked] : null;
  const buttons: { action: ActionName; label: string; reason: string | null; danger?: boolean }[] = [
    { action: "extend", label: "Extend…", reason: env.actions.extend },
    { action: "retry", label: "Retry…", reason: env.actions.retry },
    { action: "end", label: "End…", reason: env.actions.end, danger: true },
  ];

  return (
    <>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <PhaseBadge phase={env.phase} health={env.health} ended={env.endedAt !== null} />
        <p role="status" aria-live="polite" className={`text-sm ${muted}`}>
          {env.endedAt ? "Torn down." : `${env.phase}${env.step && env.step !== "ready" ? ` at the ${env.step} step` : ""}.`}
        </p>
      </div>
      {refetchFailed && <p className="mt-2 text-sm text-amber-900 dark:text-amber-100">Could not refresh ({refetchFailed}); showing what was last read. Trying again.</p>}

      <div role="group" aria-label="Environment actions" className="mt-4 flex flex-wrap items-start gap-3">
        {buttons.map(({ action, label, reason, danger }) => (
          <div key={action} className="max-w-60">
            <button
              type="button"
              disabled={pending || reason !== null}
              aria-describedby={reason ? `${action}-reason` : undefined}
              onClick={() => ask(action)}
              className={
                danger
                  ? "rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-60 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
                  : "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800"
              }
            >
              {pending && asked === action ? "Working…" : label}
            </button>
            {reason && (
              <span id={`${action}-reason`} className={`mt-1 block text-xs ${muted}`}>
                {reason}
              </span>
            )}
          </div>
        ))}
      </div>
      {outcome && (
        <p role={outcome.ok ? "status" : "alert"} className={`mt-3 text-sm ${outcome.ok ? "text-emerald-800 dark:text-emerald-200" : "text-red-700 dark:text-red-300"}`}>
          {outcome.text}
          {outcome.next && (
            <>
              {" "}
              <Link href={`/admin/environments/${outcome.next}`} className="font-medium underline">
                Open the new environment
              </Link>
            </>
          )}
        </p>
      )}

      {env.problem && (
        <div data-testid="admin-problem" className="mt-6 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          <p className="font-medium">{env.problem.summary}</p>
          <p className="mt-1">For staff: {env.problem.fix}</p>
        </div>
      )}

      <dl className="mt-6 grid grid-cols-2 gap-x-6 gap-y-3 lg:grid-cols-3">
        {facts.map(([label, value]) => (
          <div key={label} className="min-w-0">
            <dt className={`text-xs ${muted}`}>{label}</dt>
            <dd className="text-sm break-words">{value}</dd>
          </div>
        ))}
      </dl>

      <Section id="flux" title="Flux's report" description="The message and conditions as the worker last recorded them; a failed environment keeps those it failed with.">
        <p data-testid="environment-message" className={pre}>
          {env.message ?? "No message."}
        </p>
        {env.conditions && env.conditions.length > 0 ? (
          <Table caption="Flux's last conditions" columns={["Object", "Condition", "Status", "Reason", "Message", "Since"]}>
            {env.conditions.map((c, i) => (
              <tr key={`${c.object}-${c.type}-${i}`} className="border-t border-slate-200 dark:border-slate-800">
                <td className="px-3 py-2 whitespace-nowrap">{c.object}</td>
                <td className="px-3 py-2">{c.type}</td>
                <td className="px-3 py-2">{c.status}</td>
                <td className="px-3 py-2">{c.reason ?? "—"}</td>
                <td className="min-w-64 px-3 py-2 text-xs break-words">{c.message ?? "—"}</td>
                <td className="px-3 py-2 whitespace-nowrap">{c.at ? <LocalTime iso={c.at} now={now} /> : "—"}</td>
              </tr>
            ))}
          </Table>
        ) : (
          <p className={`mt-2 text-sm ${muted}`}>No condition recorded yet.</p>
        )}
      </Section>

      <Section id="history" title="History" description="Each change of phase, step or owner, and the teardown, with the message it came with.">
        <Table caption="Phase history" columns={["When", "Phase", "Step", "Health", "Owner", "Message"]}>
          {env.history.map((h, i) => (
            <tr key={i} className="border-t border-slate-200 dark:border-slate-800">
              <td className="px-3 py-2 whitespace-nowrap">
                <LocalTime iso={h.at} now={now} />
              </td>
              <td className="px-3 py-2">{h.ended ? "Torn down" : h.phase}</td>
              <td className="px-3 py-2">{h.step ?? "—"}</td>
              <td className="px-3 py-2">{h.health ?? "—"}</td>
              <td className="px-3 py-2">{h.owner ?? "—"}</td>
              <td className="min-w-64 px-3 py-2 text-xs break-words">{h.message ?? ""}</td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section id="parameters" title="Parameters and values" description="The launch parameters, and the Helm values rendered from them at launch.">
        <h3 className="mt-3 text-sm font-medium">Parameters</h3>
        <pre data-testid="environment-params" className={pre}>
          {shown(env.params)}
        </pre>
        <h3 className="mt-3 text-sm font-medium">Rendered values</h3>
        <pre data-testid="environment-values" className={pre}>
          {shown(env.values)}
        </pre>
        {env.valueFiles.length > 0 && <p className="mt-2 text-sm">Value files: {env.valueFiles.join(", ")}</p>}
        {env.connectionMessage && (
          <>
            <h3 className="mt-3 text-sm font-medium">Connection message</h3>
            <pre className={pre}>{env.connectionMessage}</pre>
          </>
        )}
      </Section>

      <Section id="audit" title="Audit trail" description="Who launched, extended, retried or ended it.">
        {env.audit.length === 0 ? (
          <p className={`mt-2 text-sm ${muted}`}>Nothing recorded.</p>
        ) : (
          <Table caption="Audit entries" columns={["When", "Who", "What", "Before", "After"]}>
            {env.audit.map((a, i) => (
              <tr key={i} className="border-t border-slate-200 align-top dark:border-slate-800">
                <td className="px-3 py-2 whitespace-nowrap">
                  <LocalTime iso={a.at} now={now} />
                </td>
                <td className="px-3 py-2">{a.actor}</td>
                <td className="px-3 py-2 font-mono text-xs">{a.action}</td>
                <td className="min-w-48 px-3 py-2 font-mono text-xs break-all whitespace-pre-wrap">{a.before ? JSON.stringify(a.before) : "—"}</td>
                <td className="min-w-48 px-3 py-2 font-mono text-xs break-all whitespace-pre-wrap">{a.after ? JSON.stringify(a.after) : "—"}</td>
              </tr>
            ))}
          </Table>
        )}
      </Section>

      <ConfirmDialog
        ref={dialog}
        title={question?.title}
        confirm={question?.confirm}
        tone={question?.danger ? "danger" : "plain"}
        onConfirm={() => asked && act(asked)}
      >
        {question?.body}
      </ConfirmDialog>
    </>
  );
}
