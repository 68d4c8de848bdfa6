"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useRef, useState } from "react";
import { importTemplateAction, previewImportAction } from "@/app/(staff)/admin/templates/actions";
import { errorsFor, Field, FormMessage, inputClass } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import { describeTtl } from "@/lib/domain/catalog";
import type { ImportOutcome } from "@/lib/services/templates/preview-import";
import { NAME_HELP } from "./new-template-forms";

const MAX_BYTES = 1024 * 1024;
const FORMATS: Record<ImportOutcome["format"], string> = { dploy: "DployTemplate (Dploy)", envdeck: "Envdeck template" };

function chartText(chart: ImportOutcome["spec"]["chart"]): string {
  const where = chart.type === "git" ? `${chart.repoUrl} · ${chart.path}` : `${chart.repoUrl} · ${chart.chart}`;
  return `${chart.type === "oci" ? "OCI registry" : chart.type === "helm" ? "Helm repository" : "Git repository"}: ${where}${chart.revision ? ` @ ${chart.revision}` : ""}`;
}

function NoteList({ title, notes, id }: { title: string; notes: ImportOutcome["ignored"]; id: string }) {
  return (
    <section aria-labelledby={id} className="mt-4">
      <h3 id={id} className="text-sm font-semibold">
        {title} ({notes.length})
      </h3>
      {notes.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">None.</p>
      ) : (
        <ul className="mt-1 space-y-1 text-sm">
          {notes.map((note) => (
            <li key={`${note.path}:${note.message}`} className="wrap-anywhere">
              {note.line !== undefined && <span className="text-slate-600 dark:text-slate-300">Line {note.line}: </span>}
              <code className="rounded bg-slate-100 px-1 text-xs dark:bg-slate-800">{note.path}</code> {note.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Preview({ outcome }: { outcome: ImportOutcome }) {
  const { fields, spec } = outcome;
  const heading = useRef<HTMLHeadingElement>(null);
  // The preview appears below the form: keyboard and screen-reader users are taken to it.
  useEffect(() => heading.current?.focus(), [outcome]);
  const parameters = Array.isArray(spec.parameters) ? spec.parameters.length : Object.keys((spec.parameters as { properties?: object }).properties ?? {}).length;
  const facts: [string, string][] = [
    ["Read as", FORMATS[outcome.format]],
    ["Name", fields.name],
    ["Display name", fields.displayName],
    ["State", [fields.isBase ? "base template" : fields.enabled ? "enabled" : "disabled", fields.visible ? "listed" : "hidden"].join(", ")],
    ["Method", fields.method === "pool" ? `warm pool of ${fields.poolSize} (at most ${fields.poolMaxSize || "unlimited"})` : "on demand"],
    ["Chart", chartText(spec.chart)],
    ["Lifetime", `${describeTtl(fields.ttlSeconds)}, extended by ${describeTtl(fields.ttlExtendSeconds)} at most ${fields.ttlMaxExtends} times`],
    ["Parameters", String(parameters)],
  ];
  return (
    <section aria-labelledby="import-preview" className="rounded-lg border border-slate-200 p-4 dark:border-slate-700">
      <h2 id="import-preview" ref={heading} tabIndex={-1} className="text-base font-semibold">
        Preview: nothing is saved yet
      </h2>
      <dl className="mt-3 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        {facts.map(([term, value]) => (
          <div key={term} className="contents">
            <dt className="font-medium text-slate-600 dark:text-slate-300">{term}</dt>
            <dd className="wrap-anywhere">{value}</dd>
          </div>
        ))}
      </dl>
      <NoteList id="import-ignored" title="Left out of the template" notes={outcome.ignored} />
      <NoteList id="import-adjusted" title="Read with a change" notes={outcome.adjusted} />
    </section>
  );
}

/** Problems of a file, each at its place and line. */
function Problems({ fields }: { fields: Record<string, string[]> }) {
  const entries = Object.entries(fields).filter(([key]) => key !== "name");
  if (entries.length === 0) return null;
  return (
    <ul aria-label="Problems in the file" className="list-disc space-y-1 pl-5 text-sm text-red-800 dark:text-red-200">
      {entries.flatMap(([key, messages]) =>
        messages.map((message) => (
          <li key={`${key}:${message}`} className="wrap-anywhere">
            <code className="text-xs">{key}</code> {message}
          </li>
        )),
      )}
    </ul>
  );
}

/**
 * Import of a DployTemplate or an Envdeck template file, pasted or uploaded: a preview first (every check,
 * nothing saved, the fields left out or changed listed), then the import of exactly what was previewed.
 */
export function ImportForm() {
  const router = useRouter();
  const [text, setText] = useState("");
  const [name, setName] = useState("");
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [preview, runPreview, previewing] = useActionState<ActionState<ImportOutcome>, FormData>(previewImportAction, { ok: true });
  const [saved, runImport, importing] = useActionState<ActionState<{ name: string }>, FormData>(importTemplateAction, { ok: true });
  // The preview is of what was submitted; editing the text or the name afterwards asks for a new one.
  const [previewed, setPreviewed] = useState<string | null>(null);
  const current = `${name}\n${text}`;
  const ready = preview.ok && preview.result !== undefined && previewed === current;
  useEffect(() => {
    if (saved.ok && saved.result) router.push(`/admin/templates/${saved.result.name}`);
  }, [saved, router]);

  const data = () => {
    const form = new FormData();
    form.set("yaml", text);
    form.set("name", name);
    return form;
  };
  // Problems of whichever ran last: a new preview after a refused import shows its own outcome.
  const [last, setLast] = useState<"preview" | "import">("preview");
  const problems = last === "import" ? (saved.ok ? null : saved) : preview.ok ? null : preview;
  return (
    <form
      aria-label="Import a template"
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        setPreviewed(current);
        setLast("preview");
        startTransition(() => runPreview(data()));
      }}
    >
      {problems && (
        <div className="space-y-2">
          <FormMessage ok={false} message={problems.message} />
          {problems.fieldErrors && <Problems fields={problems.fieldErrors} />}
        </div>
      )}
      <Field label="Template YAML" help="A DployTemplate (dploy.dev/v1alpha1) or an Envdeck template file (envdeck.dev/v1); at most 1 MiB.">
        <textarea
          name="yaml"
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={16}
          spellCheck={false}
          required
          className={`${inputClass} font-mono text-xs`}
        />
      </Field>
      <Field label="Or upload a file" errors={uploadError ? [uploadError] : undefined}>
        <input
          type="file"
          accept=".yaml,.yml,application/yaml,text/yaml,text/plain"
          className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium dark:file:border-slate-600 dark:file:bg-slate-900 dark:file:text-slate-100"
          onChange={async (event) => {
            const file = event.target.files?.[0];
            setUploadError(null);
            if (!file) return;
            if (file.size > MAX_BYTES) {
              setUploadError(`${file.name} is larger than 1 MiB.`);
              return;
            }
            setText(await file.text());
          }}
        />
      </Field>
      <Field label="Name (optional)" help={`Leave empty to use the file's metadata.name. ${NAME_HELP}`} errors={errorsFor(problems?.fieldErrors, "name")}>
        <input value={name} onChange={(e) => setName(e.target.value)} name="name" maxLength={40} autoComplete="off" spellCheck={false} className={`${inputClass} font-mono`} />
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={previewing || text.trim() === ""} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-600 dark:hover:bg-slate-800">
          {previewing ? "Checking…" : "Preview"}
        </button>
        {!ready && text.trim() !== "" && !previewing && <p className="text-sm text-slate-600 dark:text-slate-300">Preview first: importing saves exactly what the preview showed.</p>}
      </div>
      {ready && (
        <>
          <Preview outcome={preview.result!} />
          {/* After the preview, so what it said is read before importing. */}
          <button
            type="button"
            disabled={importing}
            onClick={() => {
              setLast("import");
              startTransition(() => runImport(data()));
            }}
            className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
          >
            {importing ? "Importing…" : "Import template"}
          </button>
        </>
      )}
    </form>
  );
}
