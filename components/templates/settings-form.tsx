"use client";

import { useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import { previewSettingsImpactAction, updateSettingsAction } from "@/app/(staff)/admin/templates/[name]/actions";
import { FormMessage, inputClass } from "@/components/ui/form";
import { ConfirmSaveDialog, ImpactSaveBar } from "@/components/ui/impact-save";
import type { ActionState } from "@/lib/auth/actions";
import { hasImpactSettings, type ImpactLine } from "@/lib/domain/settings-impact";
import {
  MAX_ANNOTATION_VALUE,
  MAX_DESCRIPTION,
  MAX_DISPLAY_NAME,
  MAX_LABEL_VALUE,
  MAX_MESSAGE_TEMPLATE,
  parseTemplateSettings,
  type SettingName,
  type TemplateSettings,
} from "@/lib/domain/template-settings";
import type { CategorySuggestion } from "@/lib/services/templates/list-categories";
import type { SettingsImpactPreview } from "@/lib/services/templates/preview-settings-impact";
import type { UpdateSettingsResult } from "@/lib/services/templates/update-settings";
import { LifetimeFields } from "./lifetime-fields";
import { ChoiceGroup, FieldError, fieldsetClass, helpClass, IconPicker, invalidProps, KeyValueRows, legendClass, NumberField, Switch, type Errors } from "./settings-fields";
import { fieldId, formStateOf, settingsInputOf, type SettingsFormState } from "./settings-form-state";

/** How each setting is called in messages ("Saved: display name and lifetime."). */
const SETTING_WORDS: Record<SettingName, string> = {
  displayName: "display name",
  description: "description",
  icon: "icon",
  category: "category",
  enabled: "launching",
  visible: "catalog listing",
  method: "launch method",
  poolSize: "pool size",
  poolMaxSize: "pool maximum",
  poolRecycle: "recycling",
  teacherAccess: "teacher access",
  poolFallback: "pool fallback",
  ttlSeconds: "lifetime",
  ttlExtendSeconds: "extension duration",
  ttlMaxExtends: "maximum extensions",
  maxInstancesPerUser: "quota",
  connectionType: "connection type",
  connectionMessageTemplate: "connection instructions",
  labels: "labels",
  annotations: "annotations",
};

/** The settings path a form field's errors come back under, where it differs from the field's name. */
const ERROR_PATH: Partial<Record<keyof SettingsFormState, string>> = {
  subcategory: "category",
  ttl: "ttlSeconds",
  ttlUnlimited: "ttlSeconds",
  extend: "ttlExtendSeconds",
  maxExtends: "ttlMaxExtends",
  useDefaultQuota: "maxInstancesPerUser",
  quota: "maxInstancesPerUser",
};

function listWords(names: SettingName[]): string {
  const words = names.map((name) => SETTING_WORDS[name]);
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

function formData(name: string, settings: unknown, confirm = false): FormData {
  const data = new FormData();
  data.set("name", name);
  data.set("settings", JSON.stringify(settings));
  data.set("confirm", confirm ? "true" : "false");
  return data;
}

/** How long typing pauses before the impact preview asks the server. */
const PREVIEW_DELAY_MS = 300;

interface Impact {
  /** The settings it was computed for (as JSON), so a stale answer is never shown as current. */
  key: string;
  lines: ImpactLine[];
  needsConfirmation: boolean;
}

/**
 * The template's operational settings in one form. Checked in the browser by the same schema the server
 * checks with; a change that has an impact (lifetime, pool, launching, listing) shows what it will do before
 * it is saved, and one that ends or removes something asks for a confirmation in a dialog.
 */
export function SettingsForm({
  name,
  isBase,
  initial,
  defaultQuota,
  categories,
}: {
  name: string;
  isBase: boolean;
  initial: TemplateSettings;
  defaultQuota: number;
  categories: CategorySuggestion[];
}) {
  const [saved, setSaved] = useState(initial);
  const [form, setForm] = useState(() => formStateOf(initial));
  const [errors, setErrors] = useState<Errors>({});
  // `aboutFields`: the message only sums up the field errors, so it goes when they do.
  const [message, setMessage] = useState<{ ok: boolean; text: string; aboutFields?: boolean } | null>(null);
  const [impact, setImpact] = useState<Impact | null>(null);
  const [confirming, setConfirming] = useState<string[]>([]);
  const [saving, startSaving] = useTransition();
  const [focusErrors, setFocusErrors] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const previewRequest = useRef(0);

  const set = <K extends keyof SettingsFormState>(key: K, value: SettingsFormState[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    // An error stays beside its field until that field is edited (or the next save says otherwise).
    const path = ERROR_PATH[key] ?? key;
    setErrors((current) => {
      const kept = Object.entries(current).filter(([p]) => p !== path && !p.startsWith(`${path}.`));
      return kept.length === Object.keys(current).length ? current : Object.fromEntries(kept);
    });
  };
  const input = settingsInputOf(form);
  const inputKey = JSON.stringify(input);
  const pool = form.method === "pool";

  // The impact preview follows the form: asked for once typing pauses, only when a setting with an impact changed.
  useEffect(() => {
    const parsed = parseTemplateSettings(JSON.parse(inputKey));
    // An earlier answer is for other settings: it is shown only while its key matches the form.
    if (isBase || !parsed.ok || !hasImpactSettings(saved, parsed.settings)) {
      previewRequest.current++;
      return;
    }
    const request = ++previewRequest.current;
    const timer = setTimeout(async () => {
      const state = (await previewSettingsImpactAction({ ok: false }, formData(name, JSON.parse(inputKey)))) as ActionState<SettingsImpactPreview>;
      if (request !== previewRequest.current) return;
      setImpact(state.ok && state.result ? { key: inputKey, lines: state.result.lines, needsConfirmation: state.result.needsConfirmation } : null);
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [inputKey, saved, name, isBase]);

  // After a refused save, the first field in error gets the focus (its error is read with it).
  useEffect(() => {
    if (focusErrors === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusErrors]);

  function refuse(fieldErrors: Errors, text: string) {
    // Errors on a field the form does not show (a hidden pool field, an unknown one) are spelt out in the message.
    const unseen = Object.entries(fieldErrors)
      .filter(([path]) => !document.getElementById(fieldId(path)))
      .map(([path, messages]) => `${SETTING_WORDS[path as SettingName] ?? path}: ${messages.join(" ")}`);
    setErrors(fieldErrors);
    setMessage({ ok: false, text: [text, ...unseen].join(" "), aboutFields: unseen.length === 0 && Object.keys(fieldErrors).length > 0 });
    setFocusErrors((n) => n + 1);
  }

  function save(confirm: boolean) {
    const parsed = parseTemplateSettings(input);
    if (!parsed.ok) return refuse(parsed.fieldErrors, "Please correct the highlighted settings.");
    if (!confirm && impact?.key === inputKey && impact.needsConfirmation) {
      setConfirming(impact.lines.filter((line) => line.ends).map((line) => line.text));
      dialog.current?.showModal();
      return;
    }
    setMessage(null);
    startSaving(async () => {
      const state = (await updateSettingsAction({ ok: false }, formData(name, input, confirm))) as ActionState<UpdateSettingsResult>;
      if (state.ok && state.result) {
        const { changed, settings } = state.result;
        setErrors({});
        if (changed.length === 0) {
          setMessage({ ok: true, text: "Nothing changed." });
          return;
        }
        setSaved(settings);
        setForm(formStateOf(settings));
        // What it said is done now; a further change gets a preview of its own.
        setImpact(null);
        setMessage({ ok: true, text: `Saved: ${listWords(changed)}.` });
        return;
      }
      // The server found something that ends or removes (perhaps more than the preview said, if things moved).
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

  const subcategories = categories.find((c) => c.category.toLowerCase() === form.category.trim().toLowerCase())?.subcategories ?? categories.flatMap((c) => c.subcategories);

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Template settings" className="space-y-6">
      <fieldset className={fieldsetClass}>
        <legend className={legendClass}>Catalog entry</legend>
        <div>
          <label htmlFor={fieldId("displayName")} className="block text-sm font-medium">
            Display name
          </label>
          <input
            id={fieldId("displayName")}
            value={form.displayName}
            maxLength={MAX_DISPLAY_NAME + 50}
            onChange={(e) => set("displayName", e.target.value)}
            {...invalidProps(errors, "displayName")}
            className={inputClass}
          />
          <FieldError errors={errors} path="displayName" />
        </div>
        <div>
          <label htmlFor={fieldId("description")} className="block text-sm font-medium">
            Description
          </label>
          <textarea
            id={fieldId("description")}
            value={form.description}
            rows={3}
            maxLength={MAX_DESCRIPTION + 100}
            onChange={(e) => set("description", e.target.value)}
            {...invalidProps(errors, "description", `${fieldId("description")}-help`)}
            className={inputClass}
          />
          <span id={`${fieldId("description")}-help`} className={helpClass}>
            Shown on the catalog card. At most {MAX_DESCRIPTION} characters.
          </span>
          <FieldError errors={errors} path="description" />
        </div>
        <IconPicker value={form.icon} onChange={(icon) => set("icon", icon)} errors={errors} />
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={fieldId("category")} className="block text-sm font-medium">
              Category
            </label>
            <input
              id={fieldId("category")}
              list="settings-category-suggestions"
              value={form.category}
              autoComplete="off"
              onChange={(e) => set("category", e.target.value)}
              {...invalidProps(errors, "category", `${fieldId("category")}-help`)}
              className={inputClass}
            />
            <datalist id="settings-category-suggestions">
              {categories.map((c) => (
                <option key={c.category} value={c.category} />
              ))}
            </datalist>
            <span id={`${fieldId("category")}-help`} className={helpClass}>
              Groups the catalog; empty files it under Other.
            </span>
            <FieldError errors={errors} path="category" />
          </div>
          <div>
            <label htmlFor={fieldId("subcategory")} className="block text-sm font-medium">
              Subcategory
            </label>
            <input
              id={fieldId("subcategory")}
              list="settings-subcategory-suggestions"
              value={form.subcategory}
              autoComplete="off"
              onChange={(e) => set("subcategory", e.target.value)}
              aria-describedby={errors.category ? `${fieldId("category")}-error` : undefined}
              className={inputClass}
            />
            <datalist id="settings-subcategory-suggestions">
              {[...new Set(subcategories)].map((sub) => (
                <option key={sub} value={sub} />
              ))}
            </datalist>
          </div>
        </div>
        {!isBase && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Switch
              id={fieldId("visible")}
              label="Listed in the catalog"
              help="Hidden templates stay launchable by their link and in teachers' catalogs."
              checked={form.visible}
              onChange={(checked) => set("visible", checked)}
            />
            <Switch id={fieldId("enabled")} label="Launching enabled" help="When off, nobody can launch it; running environments stay." checked={form.enabled} onChange={(checked) => set("enabled", checked)} />
          </div>
        )}
      </fieldset>

      {isBase ? (
        <p className="rounded-lg border border-slate-200 p-4 text-sm text-slate-600 dark:border-slate-800 dark:text-slate-400">
          A base template is never launched: how to launch, pool, lifetime, quota and connection are set on the templates that extend it.
        </p>
      ) : (
        <>
          <fieldset className={fieldsetClass}>
            <legend className={legendClass}>Launching</legend>
            <ChoiceGroup
              path="method"
              name="method"
              legend="Method"
              choices={[
                ["on_demand", "On demand", "Each launch installs a new environment."],
                ["pool", "Warm pool", "Members are installed ahead; a launch claims one at once."],
              ]}
              value={form.method}
              onChange={(v) => set("method", v)}
              errors={errors}
            />
            {pool && (
              <div className="grid gap-4 sm:grid-cols-2">
                <NumberField path="poolSize" label="Warm members" help="Unclaimed members kept ready." value={form.poolSize} onChange={(v) => set("poolSize", v)} errors={errors} />
                <NumberField
                  path="poolMaxSize"
                  label="At most, in all"
                  help="Cap on its environments, claimed ones included; 0 for no limit."
                  value={form.poolMaxSize}
                  onChange={(v) => set("poolMaxSize", v)}
                  errors={errors}
                />
                <div>
                  <label htmlFor={fieldId("poolFallback")} className="block text-sm font-medium">
                    When no member is free
                  </label>
                  <select id={fieldId("poolFallback")} value={form.poolFallback} onChange={(e) => set("poolFallback", e.target.value)} {...invalidProps(errors, "poolFallback")} className={inputClass}>
                    <option value="on_demand">Start one on demand</option>
                    <option value="refuse">Refuse the launch</option>
                  </select>
                  <FieldError errors={errors} path="poolFallback" />
                </div>
                <Switch
                  id={fieldId("poolRecycle")}
                  label="Replace released members"
                  help="Off hands a released member back as it is: only for environments that keep nothing per user."
                  checked={form.poolRecycle}
                  onChange={(checked) => set("poolRecycle", checked)}
                />
              </div>
            )}
          </fieldset>

          <fieldset className={fieldsetClass}>
            <legend className={legendClass}>Lifetime and quota</legend>
            <div className="grid gap-4 sm:grid-cols-2">
              <LifetimeFields form={form} set={set} errors={errors} />
              <div>
                <Switch
                  id={`${fieldId("maxInstancesPerUser")}-default`}
                  label={`Use the default quota (${defaultQuota === 0 ? "no limit" : defaultQuota})`}
                  checked={form.useDefaultQuota}
                  onChange={(checked) => set("useDefaultQuota", checked)}
                />
                {!form.useDefaultQuota && (
                  <div className="mt-2">
                    <NumberField
                      path="maxInstancesPerUser"
                      label="Running environments per person"
                      help="Across all templates, while launching this one; 0 for no limit."
                      value={form.quota}
                      onChange={(v) => set("quota", v)}
                      errors={errors}
                    />
                  </div>
                )}
                {form.useDefaultQuota && <FieldError errors={errors} path="maxInstancesPerUser" />}
              </div>
            </div>
          </fieldset>

          <fieldset className={fieldsetClass}>
            <legend className={legendClass}>Connection</legend>
            <ChoiceGroup
              path="connectionType"
              name="connection"
              legend="Students reach it by"
              choices={[
                ["web", "Opening its URL", "An Open button and the URL."],
                ["instructions", "Following instructions", "A text you write, with Copy, instead of Open."],
              ]}
              value={form.connectionType}
              onChange={(v) => set("connectionType", v)}
              errors={errors}
            />
            {form.connectionType === "instructions" && (
              <div>
                <label htmlFor={fieldId("connectionMessageTemplate")} className="block text-sm font-medium">
                  Instructions
                </label>
                <textarea
                  id={fieldId("connectionMessageTemplate")}
                  value={form.connectionMessageTemplate}
                  rows={5}
                  spellCheck={false}
                  maxLength={MAX_MESSAGE_TEMPLATE + 100}
                  onChange={(e) => set("connectionMessageTemplate", e.target.value)}
                  {...invalidProps(errors, "connectionMessageTemplate", `${fieldId("connectionMessageTemplate")}-help`)}
                  className={`${inputClass} font-mono`}
                />
                <span id={`${fieldId("connectionMessageTemplate")}-help`} className={helpClass}>
                  Liquid, like the connection URL: {"{{ host }}"}, {"{{ url }}"}, {"{{ uuid }}"}, {"{{ owner }}"}, {"{{ params.name }}"}… Each value is written as plain text on its
                  line. A warm pool cannot use owner, params or claims.
                </span>
                <FieldError errors={errors} path="connectionMessageTemplate" />
              </div>
            )}
            <Switch
              id={fieldId("teacherAccess")}
              label="Teachers may open their students' environments"
              help="From the class view, for their own classes' students only; each opening is recorded in the audit trail."
              checked={form.teacherAccess}
              onChange={(checked) => set("teacherAccess", checked)}
            />
          </fieldset>
        </>
      )}

      <KeyValueRows
        path="labels"
        noun="label"
        help="Kubernetes labels: key [prefix/]name, value up to 63 letters, digits, -, _ and . (or empty). CEL sees them as metadata.labels."
        rows={form.labels}
        onChange={(rows) => set("labels", rows)}
        errors={errors}
        valueMax={MAX_LABEL_VALUE}
      />
      <KeyValueRows
        path="annotations"
        noun="annotation"
        help={`Kubernetes annotations: the same keys, any printable value up to ${MAX_ANNOTATION_VALUE} characters. CEL sees them as metadata.annotations.`}
        rows={form.annotations}
        onChange={(rows) => set("annotations", rows)}
        errors={errors}
        valueMax={MAX_ANNOTATION_VALUE}
      />

      {/* Kept in view while the form scrolls: what saving would do shows beside the fields that change it. */}
      <ImpactSaveBar
        id="impact"
        lines={impact && impact.key === inputKey ? impact.lines : null}
        message={message && (!message.aboutFields || Object.keys(errors).length > 0) && <FormMessage ok={message.ok} message={message.text} />}
        saving={saving}
      />

      <ConfirmSaveDialog dialog={dialog} lines={confirming} onConfirm={() => save(true)} />
    </form>
  );
}
