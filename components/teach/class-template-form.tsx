"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, useTransition } from "react";
import { saveClassTemplateAction } from "@/app/(staff)/teach/templates/actions";
import { IconPicker } from "@/components/templates/settings-fields";
import { FormMessage, inputClass } from "@/components/ui/form";
import { MAX_DESCRIPTION, MAX_DISPLAY_NAME } from "@/lib/domain/template-settings";
import { PARAMETER_TYPES, rowsOfSchema, schemaOfRows, type ParameterRow, type ParameterRowType } from "@/lib/domain/parameter-rows";
import type { ClassTemplateView } from "@/lib/services/class-templates/get-class-template";
import type { OpenBaseView } from "@/lib/services/class-templates/list-open-bases";

type Errors = Record<string, string[]>;
type Row = ParameterRow & { id: number };

let nextId = 1;
const withId = (row: ParameterRow): Row => ({ ...row, id: nextId++ });

const button = "rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800";
const card = "rounded-xl border border-slate-200 bg-white p-4 sm:p-5 dark:border-slate-800 dark:bg-slate-900";
const help = "mt-1 block text-xs font-normal text-slate-600 dark:text-slate-400";
const errorText = "mt-1 block text-xs font-normal text-red-700 dark:text-red-300";
/** A field in error is outlined in red as well as described by its message. */
const field = `${inputClass} aria-[invalid=true]:border-red-600 dark:aria-[invalid=true]:border-red-400`;

/** The errors of a field and of every path under it, each once. */
function errorsAt(errors: Errors, field: string): string[] {
  return Object.entries(errors)
    .filter(([path]) => path === field || path.startsWith(`${field}.`))
    .flatMap(([path, list]) => list.map((text) => (path === field ? text : `${path.slice(field.length + 1)}: ${text}`)));
}

function FieldErrors({ id, list }: { id: string; list: string[] }) {
  if (list.length === 0) return null;
  return (
    <span id={id} className={errorText}>
      {list.map((text) => (
        <span key={text} className="block [overflow-wrap:anywhere]">
          {text}
        </span>
      ))}
    </span>
  );
}

/**
 * A class template's editor: the open base it extends (chosen once), how it is described, its own parameters
 * as rows, and its values, which may set only the paths the base lists (shown beside the field). Saving
 * sends everything at once; the server checks the paths and renders it in full, and each problem comes back
 * beside its field.
 */
export function ClassTemplateForm({ initial, bases }: { initial: ClassTemplateView | null; bases: OpenBaseView[] }) {
  const router = useRouter();
  const id = useId();
  const [name, setName] = useState(initial?.name ?? "");
  const [base, setBase] = useState(initial?.base ?? (bases.length === 1 ? bases[0]!.name : ""));
  const [displayName, setDisplayName] = useState(initial?.displayName ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [icon, setIcon] = useState<string>(initial?.icon ?? "default");
  const [category, setCategory] = useState(initial?.category ?? "");
  const [rows, setRows] = useState<Row[]>(() => rowsOfSchema(initial?.parameters).map(withId));
  const [values, setValues] = useState(initial?.values ?? "");
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, startSaving] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);
  const [focusErrors, setFocusErrors] = useState(0);

  const chosen = bases.find((b) => b.name === base);
  const allowedPaths = initial && initial.base === base ? initial.allowedPaths : (chosen?.valuePaths ?? []);

  useEffect(() => {
    if (focusErrors > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusErrors]);

  const clear = (field: string) =>
    setErrors((current) => {
      const kept = Object.entries(current).filter(([path]) => path !== field && !path.startsWith(`${field}.`));
      return kept.length === Object.keys(current).length ? current : Object.fromEntries(kept);
    });
  const invalid = (field: string, describedBy?: string) => {
    const has = errorsAt(errors, field).length > 0;
    const ids = [describedBy, has ? `${id}-${field}-error` : undefined].filter(Boolean).join(" ");
    return { "aria-invalid": has || undefined, "aria-describedby": ids || undefined };
  };

  const setRow = (rowId: number, change: Partial<ParameterRow>) => {
    setRows((list) => list.map((row) => (row.id === rowId ? { ...row, ...change, ...(change.type && change.type !== row.type && { default: change.type === "boolean" ? "false" : "" }) } : row)));
    clear("parameters");
  };

  function save(event: React.FormEvent) {
    event.preventDefault();
    const payload = {
      ...(initial ? {} : { name, base }),
      displayName,
      description,
      icon,
      category,
      parameters: schemaOfRows(rows),
      values,
    };
    const data = new FormData();
    data.set("editing", initial?.name ?? "");
    data.set("payload", JSON.stringify(payload));
    startSaving(async () => {
      const state = await saveClassTemplateAction({ ok: false }, data);
      if (!state.ok) {
        setErrors(state.fieldErrors ?? {});
        const fields = Object.keys(state.fieldErrors ?? {});
        setMessage({ ok: false, text: fields.length ? "Please correct the fields marked below." : (state.message ?? "The class template could not be saved.") });
        setFocusErrors((n) => n + 1);
        return;
      }
      setErrors({});
      if (!initial) {
        router.push(`/teach/templates/${state.result!.name}?saved=1`);
        return;
      }
      const changed = state.result!.changed;
      setMessage({ ok: true, text: changed.length === 0 ? "Nothing changed." : `Saved${changed.includes("values") || changed.includes("parameters") ? ` as version ${state.result!.version}` : ""}.` });
      router.refresh();
    });
  }

  return (
    <form ref={formRef} onSubmit={save} noValidate className="mt-6 space-y-6" aria-label={initial ? `Edit ${initial.displayName}` : "New class template"}>
      {message && <FormMessage ok={message.ok} message={message.text} />}

      <section className={card} aria-labelledby={`${id}-base-title`}>
        <h2 id={`${id}-base-title`} className="text-base font-semibold">
          Base
        </h2>
        {initial ? (
          <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
            Extends <strong>{initial.baseDisplayName ?? initial.base}</strong> <span className="text-slate-600 dark:text-slate-400">({initial.base})</span>.
            {!initial.baseOpen && (
              <span className="mt-1 block text-amber-800 dark:text-amber-200">
                An administrator closed this base to teachers: you can still change how it is described, but not its values or parameters.
              </span>
            )}
          </p>
        ) : (
          <fieldset className="mt-2 min-w-0" {...invalid("base")}>
            <legend className="text-sm font-medium">The system template it builds on</legend>
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {bases.map((b) => (
                <label
                  key={b.name}
                  className="flex cursor-pointer items-start gap-2 rounded-lg border border-slate-300 p-3 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-500 dark:border-slate-700 dark:has-[:checked]:border-brand-100 dark:has-[:checked]:bg-slate-800"
                >
                  <input
                    type="radio"
                    name="base"
                    value={b.name}
                    checked={base === b.name}
                    onChange={() => {
                      setBase(b.name);
                      clear("base");
                    }}
                    className="mt-1 accent-brand-600"
                  />
                  <span className="min-w-0">
                    <span className="block font-medium [overflow-wrap:anywhere]">{b.displayName}</span>
                    {b.description && <span className="block text-xs text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400">{b.description}</span>}
                  </span>
                </label>
              ))}
            </div>
            <FieldErrors id={`${id}-base-error`} list={errorsAt(errors, "base")} />
          </fieldset>
        )}
      </section>

      <section className={`${card} space-y-4`} aria-labelledby={`${id}-entry-title`}>
        <h2 id={`${id}-entry-title`} className="text-base font-semibold">
          Catalog entry
        </h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={`${id}-displayName`} className="block text-sm font-medium">
              Display name
            </label>
            <input
              id={`${id}-displayName`}
              value={displayName}
              maxLength={MAX_DISPLAY_NAME + 20}
              onChange={(e) => {
                setDisplayName(e.target.value);
                clear("displayName");
              }}
              {...invalid("displayName")}
              className={field}
            />
            <FieldErrors id={`${id}-displayName-error`} list={errorsAt(errors, "displayName")} />
          </div>
          <div>
            <label htmlFor={`${id}-name`} className="block text-sm font-medium">
              Name
            </label>
            <input
              id={`${id}-name`}
              value={name}
              readOnly={initial !== null}
              spellCheck={false}
              autoCapitalize="none"
              onChange={(e) => {
                setName(e.target.value);
                clear("name");
              }}
              {...invalid("name", `${id}-name-help`)}
              className={`${field} font-mono read-only:bg-slate-50 read-only:text-slate-600 dark:read-only:bg-slate-800 dark:read-only:text-slate-300`}
            />
            <span id={`${id}-name-help`} className={help}>
              {initial ? "Students launch it at /run/" + initial.name + "; a name never changes." : "Lowercase letters, digits and dashes: its address, /run/name. It cannot change later."}
            </span>
            <FieldErrors id={`${id}-name-error`} list={errorsAt(errors, "name")} />
          </div>
        </div>
        <div>
          <label htmlFor={`${id}-description`} className="block text-sm font-medium">
            Description
          </label>
          <textarea
            id={`${id}-description`}
            value={description}
            rows={2}
            maxLength={MAX_DESCRIPTION + 100}
            onChange={(e) => {
              setDescription(e.target.value);
              clear("description");
            }}
            {...invalid("description")}
            className={field}
          />
          <FieldErrors id={`${id}-description-error`} list={errorsAt(errors, "description")} />
        </div>
        <IconPicker
          value={icon}
          onChange={(value) => {
            setIcon(value);
            clear("icon");
          }}
          errors={errors}
        />
        <div>
          <label htmlFor={`${id}-category`} className="block text-sm font-medium">
            Category
          </label>
          <input
            id={`${id}-category`}
            value={category}
            placeholder="labs,networks"
            onChange={(e) => {
              setCategory(e.target.value);
              clear("category");
            }}
            {...invalid("category", `${id}-category-help`)}
            className={field}
          />
          <span id={`${id}-category-help`} className={help}>
            A category, or category,subcategory. Optional.
          </span>
          <FieldErrors id={`${id}-category-error`} list={errorsAt(errors, "category")} />
        </div>
      </section>

      <section className={`${card} space-y-3`} aria-labelledby={`${id}-params-title`}>
        <h2 id={`${id}-params-title`} className="text-base font-semibold">
          Parameters
        </h2>
        <p className={help}>
          What students may choose when they launch it, read in the values as {"{{ params.name }}"}.
          {chosen && chosen.parameterNames.length > 0 && ` The base has its own already (${chosen.parameterNames.join(", ")}): use other names.`}
        </p>
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No parameters: every launch is the same.</p>
        ) : (
          <ul className="space-y-3" aria-label="Parameters">
            {rows.map((row, index) => (
              <li key={row.id} className="grid grid-cols-2 gap-2 rounded-lg border border-slate-200 p-3 sm:grid-cols-[1fr_1fr_8rem_1fr_auto] dark:border-slate-700">
                <label className="text-xs font-medium">
                  Name
                  <input value={row.name} spellCheck={false} autoCapitalize="none" onChange={(e) => setRow(row.id, { name: e.target.value })} className={`${inputClass} font-mono`} />
                </label>
                <label className="text-xs font-medium">
                  Label
                  <input value={row.title} onChange={(e) => setRow(row.id, { title: e.target.value })} className={inputClass} />
                </label>
                <label className="text-xs font-medium">
                  Type
                  <select value={row.type} onChange={(e) => setRow(row.id, { type: e.target.value as ParameterRowType })} className={inputClass}>
                    {PARAMETER_TYPES.map((type) => (
                      <option key={type} value={type}>
                        {type}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="text-xs font-medium">
                  Default
                  {row.type === "boolean" ? (
                    <select value={row.default} onChange={(e) => setRow(row.id, { default: e.target.value })} className={inputClass}>
                      <option value="false">false</option>
                      <option value="true">true</option>
                    </select>
                  ) : (
                    <input
                      value={row.default}
                      inputMode={row.type === "string" ? undefined : "decimal"}
                      onChange={(e) => setRow(row.id, { default: e.target.value })}
                      className={inputClass}
                    />
                  )}
                </label>
                <div className="col-span-2 flex items-end justify-end sm:col-span-1">
                  <button
                    type="button"
                    className={button}
                    aria-label={`Remove parameter ${row.name || index + 1}`}
                    onClick={() => {
                      setRows((list) => list.filter((r) => r.id !== row.id));
                      clear("parameters");
                    }}
                  >
                    Remove
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
        <button type="button" className={button} onClick={() => setRows((list) => [...list, withId({ name: "", title: "", type: "string", default: "" })])}>
          Add a parameter
        </button>
        <FieldErrors id={`${id}-parameters-error`} list={errorsAt(errors, "parameters")} />
      </section>

      <section className={`${card} space-y-2`} aria-labelledby={`${id}-values-title`}>
        <h2 id={`${id}-values-title`} className="text-base font-semibold">
          Values
        </h2>
        <div id={`${id}-paths`} className="text-sm text-slate-700 dark:text-slate-300">
          {allowedPaths.length > 0 ? (
            <>
              This base lets you change:{" "}
              <span className="inline-flex flex-wrap gap-1 align-middle">
                {allowedPaths.map((path) => (
                  <code key={path} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-100">
                    {path}
                  </code>
                ))}
              </span>
            </>
          ) : base ? (
            "This base lets you change no values: describe it and add it to your catalogs as it is."
          ) : (
            "Choose a base to see which values you may change."
          )}
        </div>
        <label htmlFor={`${id}-values`} className="block text-sm font-medium">
          Values (YAML)
        </label>
        <textarea
          id={`${id}-values`}
          value={values}
          rows={8}
          spellCheck={false}
          autoCapitalize="none"
          placeholder={"image:\n  tag: '{{ params.tag }}'"}
          onChange={(e) => {
            setValues(e.target.value);
            clear("values");
          }}
          {...invalid("values", `${id}-paths ${id}-values-help`)}
          className={`${field} font-mono text-xs sm:text-sm`}
        />
        <span id={`${id}-values-help`} className={help}>
          Merged over the base&apos;s values. <code>a.b</code> lets you set that value; <code>a.*</code> anything under a. Use {"{{ params.name }}"} for a parameter; tags such as{" "}
          {"{% if %}"} are not available here.
        </span>
        <FieldErrors id={`${id}-values-error`} list={errorsAt(errors, "values")} />
      </section>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={saving} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {saving ? "Saving…" : initial ? "Save changes" : "Create class template"}
        </button>
        {saving && (
          <span role="status" className="text-sm text-slate-600 dark:text-slate-400">
            Checking it against the base…
          </span>
        )}
      </div>
    </form>
  );
}
