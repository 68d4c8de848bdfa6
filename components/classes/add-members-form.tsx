"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { addMembersAction, previewMembersAction } from "@/app/(staff)/teach/classes/actions";
import { DataTable } from "@/components/ui/table";
import { errorsFor, FormMessage, inputClass } from "@/components/ui/form";
import { MAX_MEMBER_LINES, MEMBER_OUTCOME_LABELS, type MemberOutcome } from "@/lib/domain/classes";
import type { MemberReport } from "@/lib/services/classes/preview-members";
import { runAction } from "./run-action";

/** Rows of a report the page lists; the counts always cover all of them. */
const SHOWN_ROWS = 200;
const OUTCOME_ORDER: MemberOutcome[] = ["added", "already-member", "unknown-user", "duplicate", "invalid"];
const OUTCOME_TONE: Record<MemberOutcome, string> = {
  added: "text-emerald-800 dark:text-emerald-200",
  "already-member": "text-slate-700 dark:text-slate-300",
  "unknown-user": "text-red-800 dark:text-red-200",
  duplicate: "text-amber-800 dark:text-amber-200",
  invalid: "text-red-800 dark:text-red-200",
};

function Counts({ report, dryRun }: { report: MemberReport; dryRun: boolean }) {
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm" data-testid="member-counts">
      {OUTCOME_ORDER.filter((o) => report.counts[o] > 0).map((outcome) => (
        <li key={outcome} className={OUTCOME_TONE[outcome]}>
          {outcome === "added" && dryRun ? "Will be added" : MEMBER_OUTCOME_LABELS[outcome]}: <span className="font-semibold tabular-nums">{report.counts[outcome]}</span>
        </li>
      ))}
    </ul>
  );
}

/** The dry run of a list, name by name: problems first, then the rest, at most SHOWN_ROWS rows. */
function ReportTable({ report, dryRun }: { report: MemberReport; dryRun: boolean }) {
  const rank = (o: MemberOutcome) => (o === "added" ? 2 : o === "already-member" ? 1 : 0);
  const rows = [...report.rows].sort((a, b) => rank(a.outcome) - rank(b.outcome) || a.line - b.line);
  return (
    <>
      <DataTable columns={["Line", "As written", "Outcome"]}>
        {rows.slice(0, SHOWN_ROWS).map((row, i) => (
          <tr key={`${row.line}-${i}`} className="border-t border-slate-200 dark:border-slate-800">
            <td className="px-3 py-1.5 tabular-nums">{row.line}</td>
            <td className="min-w-32 px-3 py-1.5 font-mono wrap-anywhere">{row.text}</td>
            <td className={`px-3 py-1.5 ${OUTCOME_TONE[row.outcome]}`}>{row.outcome === "added" && dryRun ? "Will be added" : MEMBER_OUTCOME_LABELS[row.outcome]}</td>
          </tr>
        ))}
      </DataTable>
      {rows.length > SHOWN_ROWS && <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">The first {SHOWN_ROWS} of {rows.length} names are listed, problems first; the counts above cover them all.</p>}
    </>
  );
}

/**
 * Adds members by username: one name, or a pasted list (one a line, or separated by commas). "Check" runs
 * the dry run; the list is added only after that, with the outcome of every name shown first.
 */
export function AddMembersForm({ slug }: { slug: string }) {
  const router = useRouter();
  const [names, setNames] = useState("");
  const [preview, setPreview] = useState<MemberReport | null>(null);
  const [done, setDone] = useState<MemberReport | null>(null);
  const [error, setError] = useState<{ text: string; fields?: Record<string, string[]> } | null>(null);
  const [pending, start] = useTransition();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [preview, done]);

  function check() {
    setError(null);
    setDone(null);
    start(async () => {
      const state = await runAction(previewMembersAction, { slug, names });
      if (state.ok && state.result) setPreview(state.result as MemberReport);
      else setError({ text: state.message ?? "The list could not be checked.", fields: state.fieldErrors });
    });
  }

  function add() {
    setError(null);
    start(async () => {
      const state = await runAction(addMembersAction, { slug, names });
      if (state.ok && state.result) {
        setDone(state.result as MemberReport);
        setPreview(null);
        setNames("");
        router.refresh();
      } else setError({ text: state.message ?? "The members could not be added.", fields: state.fieldErrors });
    });
  }

  const toAdd = preview?.counts.added ?? 0;
  return (
    <section aria-labelledby="add-heading" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <h2 id="add-heading" className="text-lg font-semibold">
        Add members
      </h2>
      <label className="mt-2 block text-sm font-medium">
        Usernames
        <textarea
          name="names"
          rows={4}
          value={names}
          onChange={(e) => {
            setNames(e.target.value);
            setPreview(null);
          }}
          className={`${inputClass} font-mono`}
          spellCheck={false}
          autoCapitalize="none"
          aria-describedby="names-help"
          aria-invalid={errorsFor(error?.fields, "names") ? true : undefined}
        />
        <span id="names-help" className="mt-1 block text-xs font-normal text-slate-600 dark:text-slate-400">
          One a line, or separated by commas: paste a column from a spreadsheet. Up to {MAX_MEMBER_LINES.toLocaleString("en")} at a time. Accounts must exist already.
        </span>
      </label>
      <div className="mt-3 flex flex-wrap gap-2">
        <button type="button" onClick={check} disabled={pending || names.trim() === ""} className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800">
          {pending && !preview ? "Checking…" : "Check list"}
        </button>
        {preview && (
          <button type="button" onClick={add} disabled={pending || toAdd === 0} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {pending ? "Adding…" : toAdd === 0 ? "Nobody to add" : `Add ${toAdd} member${toAdd === 1 ? "" : "s"}`}
          </button>
        )}
      </div>
      {error && (
        <div className="mt-3">
          <FormMessage ok={false} message={error.text} />
        </div>
      )}
      {preview && (
        <div className="mt-4">
          <h3 ref={heading} tabIndex={-1} className="font-semibold">
            Check: nothing is added yet
          </h3>
          <Counts report={preview} dryRun />
          <ReportTable report={preview} dryRun />
        </div>
      )}
      {done && (
        <div className="mt-4">
          <h3 ref={heading} tabIndex={-1} className="font-semibold" role="status">
            {done.counts.added === 0 ? "Nobody was added" : `Added ${done.counts.added} member${done.counts.added === 1 ? "" : "s"}`}
          </h3>
          <Counts report={done} dryRun={false} />
        </div>
      )}
    </section>
  );
}
