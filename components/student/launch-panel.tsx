"use client";

import type { ErrorSchema } from "@rjsf/utils";
import dynamic from "next/dynamic";
import { useRef, useState, useTransition } from "react";
import { launchAction } from "@/app/(student)/actions";
import { Notice } from "@/components/ui/notice";
import type { EnvironmentView } from "@/lib/services/instances/view";
import { InstanceProgress } from "./instance-progress";
import { actionFormData } from "./action-form-data";
import { useHydrated } from "./use-hydrated";

// The form library and its validator are most of this page's JavaScript: templates without parameters (every
// warm pool) never load them.
const ParameterForm = dynamic(() => import("./parameter-form"), {
  loading: () => <p className="text-sm text-slate-600 dark:text-slate-400">Loading the form…</p>,
});

/** Server field errors (`params.<name>`) as the form library shows them, under each field. */
function toErrorSchema(fieldErrors: Record<string, string[]> | undefined): ErrorSchema | undefined {
  if (!fieldErrors) return undefined;
  const entries = Object.entries(fieldErrors).filter(([key]) => key.startsWith("params."));
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([key, messages]) => [key.slice("params.".length), { __errors: messages }])) as ErrorSchema;
}

/**
 * The launch form: a form generated from the template's parameter schema, checked in the browser
 * by the same JSON Schema the server checks again. Launching calls the server action; while it runs the form
 * is disabled, and once it answers the page shows the instance's progress. A second press (or a reload)
 * never makes a second instance: the server returns the owner's live one.
 */
export function LaunchPanel({
  name,
  schema,
  existing,
  estimateSeconds,
  serverNow,
  staff = false,
}: {
  name: string;
  schema: Record<string, unknown>;
  existing: EnvironmentView | null;
  estimateSeconds: number | null;
  serverNow: number;
  /** Shows raw reports and their fix where students get plain words. */
  staff?: boolean;
}) {
  const [environment, setEnvironment] = useState(existing);
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [failure, setFailure] = useState<{ message?: string; fieldErrors?: Record<string, string[]> } | null>(null);
  const [pending, startTransition] = useTransition();
  const inFlight = useRef(false);
  // Before hydration a press would submit the server-rendered form natively (a reload that launches nothing),
  // and what was typed would be replaced by the form's own values: fields and button wait for it.
  const hydrated = useHydrated();

  // Once the environment is deleted from the progress view, the form comes back for a fresh launch.
  if (environment) return <InstanceProgress initial={environment} estimateSeconds={estimateSeconds} serverNow={serverNow} staff={staff} onGone={() => setEnvironment(null)} />;

  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const hasFields = Object.keys(properties).length > 0;

  function submit(values: Record<string, unknown>) {
    if (inFlight.current) return;
    inFlight.current = true;
    setFailure(null);
    startTransition(async () => {
      try {
        const state = await launchAction({ ok: false }, actionFormData({ name }, values));
        if (state.ok && state.result) setEnvironment(state.result.environment);
        else setFailure({ message: state.message, fieldErrors: state.fieldErrors });
      } catch {
        setFailure({ message: "The portal could not be reached. Check your connection and try again." });
      } finally {
        inFlight.current = false;
      }
    });
  }

  const button = (
    <>
      <button
        type="submit"
        disabled={pending || !hydrated}
        aria-describedby="launch-hint"
        className="mt-4 inline-flex items-center gap-2 rounded-md bg-brand-600 px-5 py-2 font-medium text-white hover:bg-brand-700 disabled:cursor-wait disabled:opacity-70"
      >
        {pending && <span aria-hidden="true" className="h-4 w-4 animate-spin rounded-full border-2 border-white/40 border-t-white motion-reduce:animate-none" />}
        {pending ? "Launching…" : "Launch"}
      </button>
      <p id="launch-hint" className="mt-2 text-xs text-slate-600 dark:text-slate-400">
        Launching again later returns the same environment while it runs.
      </p>
    </>
  );

  return (
    <div className="mt-6 rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        {hasFields ? "Choose the settings for your environment, then launch it." : "This environment needs no settings."}
      </p>
      {failure?.message && (
        <Notice tone="danger" className="mb-4">
          {failure.message}
        </Notice>
      )}
      {hasFields ? (
        <ParameterForm
          schema={schema}
          formData={formData}
          onChange={(values) => {
            setFormData(values);
            if (failure?.fieldErrors) setFailure({ message: failure.message });
          }}
          onSubmit={submit}
          extraErrors={toErrorSchema(failure?.fieldErrors)}
          // Until React runs, a value typed in would be replaced by the form's own when it hydrates.
          disabled={pending || !hydrated}
        >
          {button}
        </ParameterForm>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            submit({});
          }}
        >
          {button}
        </form>
      )}
    </div>
  );
}
