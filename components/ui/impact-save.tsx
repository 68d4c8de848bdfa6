import type { ReactNode, RefObject } from "react";
import { ConfirmDialog } from "./dialog";

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

/** The question a save that ends or changes something asks first, with what it does. */
export function ConfirmSaveDialog({ dialog, lines, onConfirm }: { dialog: RefObject<HTMLDialogElement | null>; lines: string[]; onConfirm: () => void }) {
  return (
    <ConfirmDialog ref={dialog} title="Save this change?" confirm="Save anyway" onConfirm={onConfirm}>
      <ul className="list-disc space-y-1 pl-5">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </ConfirmDialog>
  );
}
