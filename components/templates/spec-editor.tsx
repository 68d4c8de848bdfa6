"use client";

import { startTransition, useActionState, useState } from "react";
import { saveSpecAction } from "@/app/(staff)/admin/templates/[name]/actions";
import type { ActionState } from "@/lib/auth/actions";
import type { SaveResult } from "@/lib/services/templates/save-spec";
import type { VersionSpec } from "@/lib/templates/spec";
import { errorsFor, Field, FormMessage, inputClass } from "@/components/ui/form";

/** Edits a template's deployable spec; saving validates it in full and creates a new version. */
export function SpecEditor({ name, spec }: { name: string; spec: VersionSpec }) {
  const [state, action, pending] = useActionState<ActionState<SaveResult>, FormData>(saveSpecAction, { ok: true });
  const [chartType, setChartType] = useState(spec.chart.type);
  const chart = spec.chart as { type: string; repoUrl: string; path?: string; chart?: string; revision?: string };
  const errors = state.fieldErrors;
  const saved = state.ok && state.result;
  return (
    <form
      // Submitted by hand rather than through `action`, so a refused save keeps what the admin typed
      // (React resets forms after an action).
      onSubmit={(event) => {
        event.preventDefault();
        const formData = new FormData(event.currentTarget);
        startTransition(() => action(formData));
      }}
      className="space-y-4"
      aria-label="Edit deployable spec"
    >
      <input type="hidden" name="name" value={name} />
      <FormMessage
        ok={state.ok}
        message={
          saved
            ? state.result!.created
              ? `Saved as version ${state.result!.version}.${state.result!.cascaded.length ? ` Also rebuilt: ${state.result!.cascaded.map((c) => `${c.name} v${c.version}`).join(", ")}.` : ""}`
              : "Nothing changed, so no new version was created."
            : state.message
        }
      />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Chart source" errors={errorsFor(errors, "chartType", "chart.type")}>
          <select name="chartType" value={chartType} onChange={(e) => setChartType(e.target.value as typeof chartType)} className={inputClass}>
            <option value="git">Git repository</option>
            <option value="helm">Helm repository</option>
            <option value="oci">OCI registry</option>
          </select>
        </Field>
        <div className="sm:col-span-2">
          <Field label="Repository URL" errors={errorsFor(errors, "repoUrl", "chart.repoUrl")}>
            <input name="repoUrl" defaultValue={chart.repoUrl} required className={inputClass} />
          </Field>
        </div>
        {chartType === "git" ? (
          <Field label="Path in repository" errors={errorsFor(errors, "path", "chart.path")}>
            <input name="path" defaultValue={chart.path ?? ""} className={inputClass} />
          </Field>
        ) : (
          <Field label="Chart name" errors={errorsFor(errors, "chart", "chart.chart")}>
            <input name="chart" defaultValue={chart.chart ?? ""} className={inputClass} />
          </Field>
        )}
        <Field label={chartType === "git" ? "Branch or tag" : "Chart version"} errors={errorsFor(errors, "revision", "chart.revision")}>
          <input name="revision" defaultValue={chart.revision ?? ""} className={inputClass} />
        </Field>
        <Field label="Extends" help="A base template to inherit from" errors={errorsFor(errors, "extends")}>
          <input name="extends" defaultValue={spec.extends ?? ""} className={inputClass} />
        </Field>
      </div>
      <Field label="Values template" help="Liquid syntax. Write {{ host }}, not &quot;{{ host }}&quot;: values are inserted safely." errors={errorsFor(errors, "valuesTemplate")}>
        <textarea name="valuesTemplate" defaultValue={spec.valuesTemplate} rows={10} spellCheck={false} className={`${inputClass} font-mono`} />
      </Field>
      <Field label="Parameters (JSON Schema)" errors={errorsFor(errors, "parameters")}>
        <textarea
          name="parameters"
          defaultValue={JSON.stringify(spec.parameters, null, 2)}
          rows={8}
          spellCheck={false}
          className={`${inputClass} font-mono`}
        />
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Value files" help="One path per line, inside the chart source" errors={errorsFor(errors, "valueFiles")}>
          <textarea name="valueFiles" defaultValue={spec.valueFiles.join("\n")} rows={3} className={`${inputClass} font-mono`} />
        </Field>
        <div className="space-y-4">
          <Field label="Connection URL template" help="Empty: the cluster-wide template" errors={errorsFor(errors, "connectionUrlTemplate")}>
            <input name="connectionUrlTemplate" defaultValue={spec.connectionUrlTemplate ?? ""} className={inputClass} />
          </Field>
          <Field label="Owner claim" help="Empty: the username; groups: one shared environment per team" errors={errorsFor(errors, "ownerClaim")}>
            <input name="ownerClaim" defaultValue={spec.ownerClaim} className={inputClass} />
          </Field>
        </div>
      </div>
      <Field label="What changed" errors={errorsFor(errors, "message")}>
        <input name="message" maxLength={500} placeholder="e.g. Bump chart to 2.1" className={inputClass} />
      </Field>
      <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Validating and saving…" : "Save new version"}
      </button>
    </form>
  );
}
