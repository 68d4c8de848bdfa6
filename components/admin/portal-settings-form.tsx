"use client";

import { useEffect, useRef, useState, useTransition, type FormEvent, type ReactNode } from "react";
import { previewSettingsAction, saveSettingsAction } from "@/app/(staff)/admin/settings/actions";
import { LifetimeFields } from "@/components/templates/lifetime-fields";
import { FieldError, fieldsetClass, helpClass, inlineInputClass, invalidProps, legendClass, Switch, type Errors } from "@/components/templates/settings-fields";
import { durationSeconds, toDuration, type Duration } from "@/components/templates/settings-form-state";
import { FormMessage, inputClass } from "@/components/ui/form";
import { ConfirmSaveDialog, ImpactSaveBar } from "@/components/ui/impact-save";
import type { ActionState } from "@/lib/auth/actions";
import { MAX_AUDIT_RETENTION_DAYS, MAX_LAUNCH_TIMEOUT, MIN_LAUNCH_TIMEOUT, type Settings } from "@/lib/domain/settings";
import {
  GROUP_WORDS,
  MAX_VALUES_YAML_BYTES,
  parseSettingsForm,
  settingsChange,
  settingsFormOf,
  type PortalImpactLine,
  type SettingGroup,
  type SettingsFormInput,
} from "@/lib/domain/settings-form";
import type { SaveSettingsResult } from "@/lib/services/settings/save-settings";
import type { SettingsPreview } from "@/lib/services/settings/preview-settings";

/**
 * What the form holds: numbers stay text until parsed, so a half-typed value is not lost; the default lifetime
 * is an amount and a unit, as on a template's own settings.
 */
type FormState = Omit<
  SettingsFormInput,
  "defaultQuota" | "fetchTimeoutSeconds" | "installTimeoutSeconds" | "fluxRetries" | "auditRetentionDays" | "ttlSeconds" | "ttlExtendSeconds" | "ttlMaxExtends"
> & {
  auditRetentionDays: string;
  defaultQuota: string;
  fetchTimeoutSeconds: string;
  installTimeoutSeconds: string;
  fluxRetries: string;
  ttl: Duration;
  ttlUnlimited: boolean;
  extend: Duration;
  maxExtends: string;
};

/** The setting whose errors a form field shows, where the two are named differently. */
const ERROR_PATH: Partial<Record<keyof FormState, string>> = { ttl: "ttlSeconds", ttlUnlimited: "ttlSeconds", extend: "ttlExtendSeconds", maxExtends: "ttlMaxExtends" };

function stateOf(settings: Settings): FormState {
  const { ttlSeconds, ttlExtendSeconds, ttlMaxExtends, ...form } = settingsFormOf(settings);
  return {
    ...form,
    defaultQuota: String(form.defaultQuota),
    fetchTimeoutSeconds: String(form.fetchTimeoutSeconds),
    installTimeoutSeconds: String(form.installTimeoutSeconds),
    fluxRetries: String(form.fluxRetries),
    auditRetentionDays: String(form.auditRetentionDays),
    ttl: ttlSeconds < 0 ? { amount: "4", unit: "hours" } : toDuration(ttlSeconds),
    ttlUnlimited: ttlSeconds < 0,
    extend: toDuration(ttlExtendSeconds),
    maxExtends: String(ttlMaxExtends),
  };
}

const number = (text: string) => (text.trim() === "" ? Number.NaN : Number(text.trim()));

function inputOf({ ttl, ttlUnlimited, extend, maxExtends, ...form }: FormState): SettingsFormInput {
  return {
    ...form,
    defaultQuota: number(form.defaultQuota),
    fetchTimeoutSeconds: number(form.fetchTimeoutSeconds),
    installTimeoutSeconds: number(form.installTimeoutSeconds),
    fluxRetries: number(form.fluxRetries),
    auditRetentionDays: number(form.auditRetentionDays),
    ttlSeconds: ttlUnlimited ? -1 : durationSeconds(ttl),
    ttlExtendSeconds: durationSeconds(extend),
    ttlMaxExtends: number(maxExtends),
  };
}

const fieldId = (name: string) => `portal-${name}`;

function data(settings: SettingsFormInput, confirm = false): FormData {
  const form = new FormData();
  form.set("settings", JSON.stringify(settings));
  form.set("confirm", confirm ? "true" : "false");
  return form;
}

const PREVIEW_DELAY_MS = 400;

function Text({
  name,
  label,
  help,
  form,
  set,
  errors,
  mono,
  type = "text",
  className = inputClass,
}: {
  name: keyof FormState;
  label: string;
  help: ReactNode;
  form: FormState;
  set: (name: keyof FormState, value: string | boolean | Duration) => void;
  errors: Errors;
  mono?: boolean;
  type?: string;
  className?: string;
}) {
  const id = fieldId(name);
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        type={type}
        inputMode={type === "number" ? "numeric" : undefined}
        value={String(form[name])}
        onChange={(e) => set(name, e.target.value)}
        spellCheck={false}
        autoComplete="off"
        {...invalidProps(errors, name, `${id}-help`)}
        className={`${className} ${mono ? "font-mono" : ""} ${className === inlineInputClass ? "mt-1 block w-36" : ""}`}
      />
      <span id={`${id}-help`} className={helpClass}>
        {help}
      </span>
      <FieldError errors={errors} path={name} />
    </div>
  );
}

/**
 * The portal's settings in one form, grouped. Checked in the browser by the schema the server checks with;
 * a change shows what it does to running environments and templates before it is saved, and one that fails
 * launches, re-applies Flux settings or breaks templates asks for a confirmation first.
 */
export function PortalSettingsForm({ initial, defaults }: { initial: Settings; defaults: { baseDomain: string; exposedClaims: string[]; audit: { retentionDays: number } } }) {
  const [saved, setSaved] = useState(initial);
  const [form, setForm] = useState(() => stateOf(initial));
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [impact, setImpact] = useState<{ key: string; lines: PortalImpactLine[] } | null>(null);
  const [confirming, setConfirming] = useState<string[]>([]);
  const [saving, startSaving] = useTransition();
  const [focusErrors, setFocusErrors] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const previewRequest = useRef(0);

  const set = (name: keyof FormState, value: string | boolean | Duration) => {
    setForm((current) => ({ ...current, [name]: value }));
    const path = ERROR_PATH[name] ?? name;
    setErrors(({ [path]: _, ...rest }) => rest);
  };
  const input = inputOf(form);
  const inputKey = JSON.stringify(input);

  // The impact preview follows the form once typing pauses, whenever it differs from what is saved.
  useEffect(() => {
    const parsed = parseSettingsForm(JSON.parse(inputKey));
    if (!parsed.ok || Object.keys(settingsChange(saved, parsed.settings)).length === 0) {
      previewRequest.current++;
      return;
    }
    const request = ++previewRequest.current;
    const timer = setTimeout(async () => {
      const state = (await previewSettingsAction({ ok: false }, data(JSON.parse(inputKey)))) as ActionState<SettingsPreview>;
      if (request !== previewRequest.current) return;
      setImpact(state.ok && state.result ? { key: inputKey, lines: state.result.lines } : null);
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [inputKey, saved]);

  useEffect(() => {
    if (focusErrors > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusErrors]);

  function refuse(fieldErrors: Errors, text: string) {
    setErrors(fieldErrors);
    setMessage({ ok: false, text });
    setFocusErrors((n) => n + 1);
  }

  function save(confirm: boolean) {
    const parsed = parseSettingsForm(input);
    if (!parsed.ok) return refuse(parsed.fieldErrors, "Please correct the highlighted settings.");
    const current = impact?.key === inputKey ? impact.lines.filter((line) => line.ends) : [];
    if (!confirm && current.length > 0) {
      setConfirming(current.map((line) => line.text));
      dialog.current?.showModal();
      return;
    }
    setMessage(null);
    startSaving(async () => {
      const state = (await saveSettingsAction({ ok: false }, data(input, confirm))) as ActionState<SaveSettingsResult>;
      if (state.ok && state.result) {
        const { changed, settings, invalidTemplates } = state.result;
        setErrors({});
        if (changed.length === 0) return setMessage({ ok: true, text: "Nothing changed." });
        setSaved(settings);
        setForm(stateOf(settings));
        setImpact(null);
        const words = changed.map((group: SettingGroup) => GROUP_WORDS[group]).join(", ");
        setMessage({
          ok: true,
          text: `Saved: ${words}. The web and the worker use them now.${invalidTemplates.length ? ` Templates that do not render with them: ${invalidTemplates.join(", ")}.` : ""}`,
        });
        return;
      }
      if (state.fieldErrors?.confirm) {
        setConfirming(state.fieldErrors.confirm);
        dialog.current?.showModal();
        return;
      }
      refuse(state.fieldErrors ?? {}, state.message ?? "The settings could not be saved.");
    });
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    save(false);
  }

  const common = { form, set, errors };
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Portal settings" className="space-y-6">
      <fieldset className={fieldsetClass}>
        <legend className={legendClass}>Addresses</legend>
        <Text {...common} name="baseDomain" label="Base domain" mono help={<>Environments get https://&lt;template&gt;-&lt;id&gt;.&lt;base domain&gt;/ unless a URL template says otherwise. Default: {defaults.baseDomain}.</>} />
        <Text
          {...common}
          name="connectionUrlTemplate"
          label="Connection URL template"
          mono
          help={<>Liquid for every template without one of its own, like https://{"{{ host }}"}/ or https://labs.example.edu/{"{{ uuid }}"}/. Empty: the address above.</>}
        />
      </fieldset>

      <fieldset className={fieldsetClass}>
        <legend className={legendClass}>Limits and quota</legend>
        <div className="grid gap-4 sm:grid-cols-3">
          <Text {...common} name="defaultQuota" type="number" className={inlineInputClass} label="Default quota" help="Running environments per person for templates without a quota of their own; 0 for no limit." />
          <Text
            {...common}
            name="fetchTimeoutSeconds"
            type="number"
            className={inlineInputClass}
            label="Fetching a chart may take (seconds)"
            help={`A launch whose chart is not fetched by then fails. ${MIN_LAUNCH_TIMEOUT} to ${MAX_LAUNCH_TIMEOUT}.`}
          />
          <Text
            {...common}
            name="installTimeoutSeconds"
            type="number"
            className={inlineInputClass}
            label="Any other launch step may take (seconds)"
            help={`Applying and installing, each without progress. ${MIN_LAUNCH_TIMEOUT} to ${MAX_LAUNCH_TIMEOUT}.`}
          />
        </div>
        <p className={`${helpClass} mt-0`}>How long each environment lives is set on its template; below, what a new template starts with.</p>
      </fieldset>

      <fieldset className={fieldsetClass}>
        <legend className={legendClass}>Lifetime of new templates</legend>
        <p className={`${helpClass} mt-0`}>
          What a template gets when it is created without a lifetime of its own: the blank starter, the API, an imported file without a ttl. Existing templates keep
          theirs; change those on each template.
        </p>
        <div className="grid gap-4 sm:grid-cols-3">
          <LifetimeFields form={form} set={set} errors={errors} extensionsHelp="0 to 100." />
        </div>
      </fieldset>

      <fieldset className={fieldsetClass}>
        <legend className={legendClass}>Flux</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <Text {...common} name="fluxInterval" label="Interval" mono help="How often Flux checks each release again, like 5m." />
          <Text {...common} name="fluxTimeout" label="Timeout" mono help="How long one Helm action may take, like 5m." />
          <Text
            {...common}
            name="fluxNamespace"
            label="Namespace for releases"
            mono
            help="Where new environments' Helm releases and chart sources live, like flux-system; each chart is still installed into its environment's own namespace. It must exist. Empty: each environment's own namespace. Environments keep theirs where they were launched."
          />
          <Text
            {...common}
            name="fluxServiceAccount"
            label="Service account"
            mono
            help={
              form.fluxNamespace.trim()
                ? `The account Flux installs releases as. It must exist in ${form.fluxNamespace.trim()}: Flux looks for it in the release's namespace. Empty: the controller's own.`
                : "The account Flux installs releases as. It must exist in each environment's namespace, where its release lives. Empty: the controller's own."
            }
          />
          <Text {...common} name="fluxRetries" type="number" className={inlineInputClass} label="Retries" help="Install and upgrade attempts after a failure, 0 to 10." />
        </div>
        <Switch
          id={fieldId("fluxWait")}
          label="Wait for workloads to be ready"
          help="Off, a release is ready once installed: for clusters where no pod runs."
          checked={form.fluxWait}
          onChange={(checked) => set("fluxWait", checked)}
        />
      </fieldset>

      <fieldset className={fieldsetClass}>
        <legend className={legendClass}>Values for templates</legend>
        <div>
          <label htmlFor={fieldId("valuesYaml")} className="block text-sm font-medium">
            Values (YAML)
          </label>
          <textarea
            id={fieldId("valuesYaml")}
            value={form.valuesYaml}
            rows={8}
            spellCheck={false}
            onChange={(e) => set("valuesYaml", e.target.value)}
            {...invalidProps(errors, "valuesYaml", `${fieldId("valuesYaml")}-help`)}
            className={`${inputClass} font-mono`}
          />
          <span id={`${fieldId("valuesYaml")}-help`} className={helpClass}>
            A mapping templates read as {"{{ config.values.<name> }}"}, like <code>registry: registry.example.edu</code>. At most {MAX_VALUES_YAML_BYTES / 1024} KiB; no aliases
            beyond a few. Never put secrets here: every template can read them.
          </span>
          <FieldError errors={errors} path="valuesYaml" />
        </div>
      </fieldset>

      <fieldset className={fieldsetClass}>
        <legend className={legendClass}>Claims for templates</legend>
        <div>
          <label htmlFor={fieldId("exposedClaims")} className="block text-sm font-medium">
            Exposed claims
          </label>
          <textarea
            id={fieldId("exposedClaims")}
            value={form.exposedClaims}
            rows={2}
            spellCheck={false}
            onChange={(e) => set("exposedClaims", e.target.value)}
            {...invalidProps(errors, "exposedClaims", `${fieldId("exposedClaims")}-help`)}
            className={`${inputClass} font-mono`}
          />
          <span id={`${fieldId("exposedClaims")}-help`} className={helpClass}>
            Single sign-on claims templates read as {"{{ claims.<name> }}"}, separated by commas. Claims that carry credentials (tokens) are never exposed. Default:{" "}
            {defaults.exposedClaims.join(", ") || "none"}.
          </span>
          <FieldError errors={errors} path="exposedClaims" />
        </div>
      </fieldset>

      <fieldset className={fieldsetClass}>
        <legend className={legendClass}>Audit trail</legend>
        <Text
          {...common}
          name="auditRetentionDays"
          type="number"
          className={inlineInputClass}
          label="Keep entries for (days)"
          help={`The worker deletes older entries. 1 to ${MAX_AUDIT_RETENTION_DAYS}; default ${defaults.audit.retentionDays}.`}
        />
      </fieldset>

      <ImpactSaveBar
        id="portal-impact"
        lines={impact && impact.key === inputKey ? impact.lines : null}
        message={message && <FormMessage ok={message.ok} message={message.text} />}
        saving={saving}
      />

      <ConfirmSaveDialog dialog={dialog} lines={confirming} onConfirm={() => save(true)} />
    </form>
  );
}
