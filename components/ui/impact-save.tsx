import type { ReactNode, RefObject } from "react";

/** One sentence of what saving a form does; `ends` when it ends or changes something, so saving asks first. */
export interface ImpactLine {
  text: string;
  ends: boolean;
}

/**
 * A settings form's foot, kept in view while the form scrolls: what saving would do (announced as it
 * changes), the form's message, and the save button.
 */
export function ImpactSaveBar({ id, lines, message, saving }: { id: string; lines: ImpactLine[] | null; message: ReactNode; saving: boolean }) {
  return (
    <div className="sticky bottom-0 z-10 space-y-3 border-t border-slate-200 bg-slate-50/95 py-3 backdrop-blur-sm dark:border-slate-800 dark:bg-slate-950/95">
      <div aria-live="polite">
        {lines && lines.length > 0 && (
          <section
            aria-labelledby={`${id}-heading`}
            data-testid="settings-impact"
            className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50"
          >
            <h3 id={`${id}-heading`} className="font-semibold">
              What saving does
            </h3>
            <ul className="mt-1 list-disc space-y-1 pl-5">
              {lines.map((line) => (
                <li key={line.text}>
                  {line.text}
                  {line.ends && <span className="font-medium"> (asks for confirmation)</span>}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
      {message}
      <button type="submit" disabled={saving} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {saving ? "Saving…" : "Save settings"}
      </button>
    </div>
  );
}

/** The question a save that ends or changes something asks first, with what it does; Cancel has the focus. */
export function ConfirmSaveDialog({ id, dialog, lines, onConfirm }: { id: string; dialog: RefObject<HTMLDialogElement | null>; lines: string[]; onConfirm: () => void }) {
  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        Save this change?
      </h2>
      <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-700 dark:text-slate-300">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <button
          type="button"
          autoFocus
          onClick={() => dialog.current?.close()}
          className="rounded-md border border-slate-300 px-4 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
        >
          Cancel
        </button>
        <button
          type="button"
          onClick={() => {
            dialog.current?.close();
            onConfirm();
          }}
          className="rounded-md bg-red-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-red-800"
        >
          Save anyway
        </button>
      </div>
    </dialog>
  );
}
