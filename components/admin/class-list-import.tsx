"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import { importClassListAction, previewClassListAction } from "@/app/(staff)/admin/users/actions";
import { CopyButton } from "@/components/student/copy-button";
import { DataTable } from "@/components/ui/table";
import { FormMessage } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import type { CredentialDelivery } from "@/lib/domain/accounts";
import { CLASS_LIST_HEADER, MAX_CLASS_LIST_BYTES, MAX_CLASS_LIST_ROWS, toCsv } from "@/lib/domain/class-list";
import type { ClassListImport, ImportedAccount } from "@/lib/services/accounts/import-class-list";
import type { ClassListReport } from "@/lib/services/accounts/preview-class-list";
import { DeliveryChoice } from "./delivery-choice";

const cell = "px-3 py-2 align-top";

function Report({ report }: { report: ClassListReport }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [report]);
  return (
    <section aria-labelledby="dry-run" className="mt-6">
      <h2 id="dry-run" ref={heading} tabIndex={-1} className="text-lg font-semibold">
        Dry run: nothing is written yet
      </h2>
      <p className="mt-1 text-sm" role="status" data-testid="dry-run-summary">
        {report.invalid === 0
          ? `All ${report.valid} accounts can be created.`
          : `${report.invalid} of ${report.rows.length} rows have problems: nothing is imported until they are fixed (the import is all or nothing).`}
      </p>
      <DataTable columns={["Line", "Username", "Display name", "Email", "Groups", "Role", "Outcome"]}>
        {report.rows.map((row) => (
          <tr key={row.line} className={`border-t border-slate-200 dark:border-slate-800 ${row.errors.length ? "bg-red-50/60 dark:bg-red-950/40" : ""}`}>
            <td className={cell}>{row.line}</td>
            {/* Widths of their own, so a phone scrolls the table sideways instead of breaking words letter by letter. */}
            <td className={`${cell} min-w-32 font-mono wrap-anywhere`}>{row.username}</td>
            <td className={`${cell} min-w-36 wrap-anywhere`}>{row.displayName}</td>
            <td className={`${cell} min-w-48 wrap-anywhere`}>{row.email}</td>
            <td className={`${cell} min-w-28 wrap-anywhere`}>{row.groups.join(", ")}</td>
            <td className={cell}>{row.role}</td>
            <td className={`${cell} min-w-48`}>
              {row.errors.length === 0 ? (
                <span className="text-emerald-800 dark:text-emerald-200">Will be created</span>
              ) : (
                <ul className="space-y-1 text-red-800 dark:text-red-200">
                  {row.errors.map((error) => (
                    <li key={error}>{error}</li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

/** The accounts as lines to paste (tab-separated) or to save as CSV, with spreadsheet formulas neutralised. */
function credentialLines(accounts: ImportedAccount[]): string[][] {
  return [
    ["username", "display name", accounts[0]?.credential.delivery === "link" ? "set-password link" : "one-time password"],
    ...accounts.map((a) => [a.username, a.displayName ?? "", a.credential.delivery === "password" ? a.credential.password : a.credential.url]),
  ];
}

function Imported({ accounts }: { accounts: ImportedAccount[] }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [accounts]);
  const lines = credentialLines(accounts);
  const download = () => {
    const url = URL.createObjectURL(new Blob([toCsv(lines)], { type: "text/csv;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "accounts.csv";
    link.click();
    URL.revokeObjectURL(url);
  };
  const link = accounts[0]?.credential.delivery === "link";
  return (
    <section aria-labelledby="imported" className="mt-6 space-y-3">
      <h2 id="imported" ref={heading} tabIndex={-1} className="text-lg font-semibold">
        Imported {accounts.length} accounts
      </h2>
      <p className="text-sm">
        {link ? "Each link works once, for 24 hours." : "Each person signs in with their one-time password."} Shown this once: copy or download them now, then hand each
        person theirs.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <CopyButton text={lines.map((l) => l.join("\t")).join("\n")} label="Copy all" />
        <button type="button" onClick={download} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800">
          Download as CSV
        </button>
      </div>
      <DataTable columns={["Username", "Display name", link ? "Set-password link" : "One-time password"]}>
        {accounts.map((a) => (
          <tr key={a.username} className="border-t border-slate-200 dark:border-slate-800" data-testid="imported-account">
            <td className={`${cell} min-w-32 font-mono`}>{a.username}</td>
            <td className={`${cell} min-w-36 wrap-anywhere`}>{a.displayName}</td>
            <td className={`${cell} min-w-48 font-mono break-all`}>{a.credential.delivery === "password" ? a.credential.password : a.credential.url}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

/**
 * Importing a class list: a dry run first, which reports every row's outcome without writing anything, then
 * the import of the same file, all or nothing. A file over the size limit is refused here before it is sent.
 */
export function ClassListImportForm() {
  const [file, setFile] = useState<File | null>(null);
  const [delivery, setDelivery] = useState<CredentialDelivery>("password");
  const [report, setReport] = useState<ClassListReport | null>(null);
  const [accounts, setAccounts] = useState<ImportedAccount[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, start] = useTransition();

  function send<T>(action: (state: ActionState<T>, data: FormData) => Promise<ActionState<T>>, then: (result: T) => void) {
    if (!file) return setMessage("Choose a CSV file first.");
    if (file.size > MAX_CLASS_LIST_BYTES) {
      return setMessage(`The file is ${Math.ceil(file.size / 1024)} KiB; a class list may have at most ${MAX_CLASS_LIST_BYTES / 1024} KiB and ${MAX_CLASS_LIST_ROWS} accounts. Split it into smaller files.`);
    }
    setMessage(null);
    start(async () => {
      const data = new FormData();
      data.set("file", file);
      data.set("delivery", delivery);
      try {
        const state = await action({ ok: false }, data);
        if (state.ok && state.result !== undefined) then(state.result);
        else setMessage(state.fieldErrors?.file?.[0] ?? state.message ?? "The file could not be read.");
      } catch {
        setMessage("The file could not be sent. Check that it is a class list of at most 512 KiB, and try again.");
      }
    });
  }

  return (
    <div>
      <form
        aria-label="Class list"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          send(previewClassListAction, (result) => {
            setAccounts(null);
            setReport(result as ClassListReport);
          });
        }}
        className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
      >
        <div>
          <label htmlFor="class-list-file" className="block text-sm font-medium">
            CSV file
          </label>
          <input
            id="class-list-file"
            type="file"
            accept=".csv,text/csv,text/plain"
            aria-describedby="class-list-help"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setReport(null);
              setAccounts(null);
              setMessage(null);
            }}
            className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium dark:file:border-slate-700 dark:file:bg-slate-900 dark:file:text-slate-100"
          />
          <p id="class-list-help" className="mt-1 text-xs text-slate-600 dark:text-slate-400">
            UTF-8 text, at most {MAX_CLASS_LIST_ROWS} accounts ({MAX_CLASS_LIST_BYTES / 1024} KiB). The first line names the columns:{" "}
            <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">{CLASS_LIST_HEADER}</code>. Only username is required; groups are separated by semicolons or spaces;
            role is student (the default), teacher or admin.
          </p>
        </div>
        <DeliveryChoice name="class-list-delivery" value={delivery} onChange={setDelivery} plural />
        {message && <FormMessage ok={false} message={message} />}
        <div className="flex flex-wrap gap-2">
          <button type="submit" disabled={pending} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800">
            {pending && !report ? "Checking…" : "Check the file (dry run)"}
          </button>
          {report && report.invalid === 0 && !accounts && (
            <button
              type="button"
              disabled={pending}
              onClick={() =>
                send(importClassListAction, (result) => {
                  const outcome = result as ClassListImport;
                  if (outcome.imported) setAccounts(outcome.accounts);
                  else {
                    setReport(outcome.report);
                    setMessage("The file no longer passes: see the rows below. Nothing was imported.");
                  }
                })
              }
              className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
            >
              {pending ? "Importing…" : `Import ${report.valid} accounts`}
            </button>
          )}
        </div>
      </form>
      {accounts ? <Imported accounts={accounts} /> : report && <Report report={report} />}
    </div>
  );
}
