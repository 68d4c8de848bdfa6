"use client";

import Link from "@/components/ui/link";
import { useId, type RefObject } from "react";
import { ConfirmDialog } from "@/components/ui/dialog";
import type { BulkOutcome } from "@/lib/domain/bulk-action";
import type { BulkPreview } from "@/lib/services/instances/preview-bulk";
import type { BulkResult } from "@/lib/services/instances/run-bulk";

const OUTCOMES: Record<BulkOutcome, { label: string; tone: string }> = {
  ended: { label: "Ended", tone: "text-emerald-800 dark:text-emerald-200" },
  extended: { label: "Extended", tone: "text-emerald-800 dark:text-emerald-200" },
  "already-ending": { label: "Already ending", tone: "text-slate-700 dark:text-slate-300" },
  refused: { label: "Refused", tone: "text-red-700 dark:text-red-300" },
  "not-found": { label: "Not found", tone: "text-red-700 dark:text-red-300" },
};

/** What will happen to each environment, or what happened, in a table that scrolls inside its own box. */
function OutcomeTable({ items, caption, limit, linked = true }: { items: BulkResult["items"]; caption: string; limit?: number; linked?: boolean }) {
  const shown = limit === undefined ? items : items.slice(0, limit);
  return (
    <div data-scrolls className="relative mt-3 max-h-72 overflow-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-slate-100 text-slate-600 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            {["Environment", "Owner", "Outcome", "Why"].map((column) => (
              <th key={column} scope="col" className="px-3 py-2">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((item) => (
            <tr key={item.uuid} className="border-t border-slate-200 dark:border-slate-800">
              <td className="px-3 py-1.5 whitespace-nowrap">
                {item.template && linked ? (
                  <Link href={`/admin/environments/${item.uuid}`} className="font-mono text-xs text-brand-700 hover:underline dark:text-brand-100">
                    {item.template}-{item.uuid}
                  </Link>
                ) : (
                  <span className="font-mono text-xs">{item.template ? `${item.template}-${item.uuid}` : item.uuid}</span>
                )}
              </td>
              <td className="px-3 py-1.5">{item.owner ?? <span className="text-slate-600 dark:text-slate-400">unclaimed</span>}</td>
              <td className={`px-3 py-1.5 font-medium whitespace-nowrap ${OUTCOMES[item.outcome].tone}`}>{OUTCOMES[item.outcome].label}</td>
              <td className="min-w-48 px-3 py-1.5 text-slate-700 dark:text-slate-300">{item.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {limit !== undefined && items.length > limit && <p className="px-3 py-2 text-xs text-slate-600 dark:text-slate-400">…and {items.length - limit} more.</p>}
    </div>
  );
}

/** What a bulk action did to each environment, kept on the page until dismissed. */
/** `linked`: each environment links to its admin page (admins only). */
export function BulkSummary({ result, onDismiss, linked = true }: { result: BulkResult; onDismiss: () => void; linked?: boolean }) {
  const titleId = useId();
  return (
    <section aria-labelledby={titleId} data-testid="bulk-summary" className="mt-4 rounded-lg border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div role="status">
          <h2 id={titleId} className="text-sm font-semibold text-emerald-900 dark:text-emerald-100">
            {result.summary}
          </h2>
        </div>
        <button type="button" onClick={onDismiss} className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:hover:bg-slate-800">
          Dismiss
        </button>
      </div>
      <OutcomeTable items={result.items} caption="What happened to each environment" linked={linked} />
    </section>
  );
}

/**
 * The confirmation of a bulk action: the question with the count ("End 12 environments?"), what the action
 * acts on, what will happen to each, and the button that sends the count back as the confirmation.
 */
export function BulkConfirmDialog({
  ref,
  preview,
  scope,
  error,
  pending,
  onConfirm,
  linked = true,
}: {
  ref: RefObject<HTMLDialogElement | null>;
  preview: BulkPreview | null;
  scope: string;
  error: string | null;
  pending: boolean;
  onConfirm: (preview: BulkPreview) => void;
  linked?: boolean;
}) {
  const acting = preview ? (preview.action === "end" ? preview.counts.ended : preview.counts.extended) : 0;
  return (
    <ConfirmDialog
      ref={ref}
      wide
      title={preview?.question}
      confirm={pending ? "Working…" : acting === 0 ? "Nothing to do" : preview?.question.replace("?", "")}
      tone={preview?.action === "end" ? "danger" : "plain"}
      disabled={pending || acting === 0}
      error={error}
      onConfirm={() => preview && onConfirm(preview)}
      keepOpen
    >
      {preview && (
        <>
          <p>
            {scope} {preview.action === "end" ? "Ending tears them down: everything inside is lost, as if their owners had deleted them." : "Each gets its template's extension time, within its limit."}
          </p>
          <p data-testid="bulk-plan" className="font-medium text-slate-900 dark:text-slate-100">
            {preview.summary}
          </p>
          <OutcomeTable items={preview.items} caption="What will happen to each environment" limit={50} linked={linked} />
        </>
      )}
    </ConfirmDialog>
  );
}
