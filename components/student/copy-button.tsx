"use client";

import { useState } from "react";

/** Copies `text` to the clipboard and says so (to screen readers too). */
export function CopyButton({ text, label = "Copy URL", className = "" }: { text: string; label?: string; className?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      // Clipboard access can be refused (no secure context, permissions): the URL stays visible to copy by hand.
      setState("failed");
    }
    setTimeout(() => setState("idle"), 2500);
  }
  return (
    <>
      <button type="button" onClick={copy} className={`rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800 ${className}`}>
        {label}
      </button>
      <span aria-live="polite" className="text-xs text-slate-600 dark:text-slate-400">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy it from the box: the browser refused" : ""}
      </span>
    </>
  );
}
