"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { TemplateIcon } from "@/components/template-icon";
import { inputClass } from "@/components/ui/form";
import { TEMPLATE_ICONS } from "@/lib/domain/catalog";
import { DURATION_UNITS, errorId, fieldId, rowId, type Duration, type DurationUnit, type Row } from "./settings-form-state";

/**
 * The pieces of the template settings form. Every input is labelled, points at its error with
 * aria-describedby and says aria-invalid, and has the id `fieldId(path)` of the settings path its errors
 * come back under, so the form can move the focus to the first error.
 */

export type Errors = Record<string, string[]>;

/** Joins the ids of what describes an input, leaving out the absent ones. */
export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const list = ids.filter(Boolean);
  return list.length ? list.join(" ") : undefined;
}

/** Error props of the input at `path`: invalid when it has errors, described by them. */
export function invalidProps(errors: Errors, path: string, help?: string) {
  const has = Boolean(errors[path]?.length);
  return { "aria-invalid": has || undefined, "aria-describedby": describedBy(help, has && errorId(path)) };
}

export function FieldError({ errors, path }: { errors: Errors; path: string }) {
  const list = errors[path];
  if (!list?.length) return null;
  return (
    <p id={errorId(path)} className="mt-1 text-xs font-normal text-red-700 dark:text-red-300">
      {list.join(" ")}
    </p>
  );
}

export const helpClass = "mt-1 block text-xs font-normal text-slate-600 dark:text-slate-400";
export const legendClass = "text-base font-semibold";
export const fieldsetClass = "min-w-0 space-y-4 rounded-lg border border-slate-200 px-4 pt-1 pb-4 dark:border-slate-800";
/** An input that sits in a row with others (a duration's amount, a count), rather than filling its column. */
export const inlineInputClass =
  "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900";

/** A checkbox shown and announced as an on/off switch. */
export function Switch({
  id,
  label,
  help,
  checked,
  disabled,
  onChange,
}: {
  id: string;
  label: string;
  help?: ReactNode;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={help ? `${id}-help` : undefined}
        className="peer sr-only"
      />
      <label
        htmlFor={id}
        className="flex cursor-pointer items-start gap-3 rounded-md text-sm font-medium peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-brand-500 peer-disabled:cursor-not-allowed peer-disabled:opacity-60"
      >
        <span
          aria-hidden="true"
          className={`relative mt-0.5 inline-flex h-5 w-9 shrink-0 rounded-full transition-colors ${checked ? "bg-brand-600" : "bg-slate-400 dark:bg-slate-600"}`}
        >
          <span className={`absolute top-0.5 h-4 w-4 rounded-full bg-white shadow transition-transform ${checked ? "translate-x-4.5" : "translate-x-0.5"}`} />
        </span>
        <span>
          {label}
          {help && (
            <span id={`${id}-help`} className={helpClass}>
              {help}
            </span>
          )}
        </span>
      </label>
    </div>
  );
}

/** One of a few choices, each with a line of help, as a radio group: arrow keys move between them. */
export function ChoiceGroup<V extends string>({
  path,
  name,
  legend,
  choices,
  value,
  onChange,
  errors,
}: {
  path: string;
  /** Names the radios and the legend's id. */
  name: string;
  legend: string;
  /** Value, label and help of each choice. */
  choices: (readonly [V, string, string])[];
  value: V;
  onChange: (value: V) => void;
  errors: Errors;
}) {
  const legendId = `settings-${name}-legend`;
  return (
    <fieldset role="radiogroup" aria-labelledby={legendId} {...invalidProps(errors, path)} id={fieldId(path)} tabIndex={-1} className="min-w-0">
      <legend id={legendId} className="text-sm font-medium">
        {legend}
      </legend>
      <div className="mt-1 flex flex-wrap gap-x-6 gap-y-2 text-sm">
        {choices.map(([choice, label, help]) => (
          <label key={choice} className="flex max-w-xs items-start gap-2">
            <input type="radio" name={`settings-${name}`} value={choice} checked={value === choice} onChange={() => onChange(choice)} className="mt-1" />
            <span>
              <span className="font-medium">{label}</span>
              <span className={helpClass}>{help}</span>
            </span>
          </label>
        ))}
      </div>
      <FieldError errors={errors} path={path} />
    </fieldset>
  );
}

/** The eight catalog icons as a radio group: arrow keys move between them. */
export function IconPicker({ value, onChange, errors }: { value: string; onChange: (icon: string) => void; errors: Errors }) {
  return (
    <fieldset role="radiogroup" aria-labelledby="settings-icon-legend" {...invalidProps(errors, "icon")} id={fieldId("icon")} tabIndex={-1} className="min-w-0">
      <legend id="settings-icon-legend" className="text-sm font-medium">
        Icon
      </legend>
      <div className="mt-1 grid grid-cols-4 gap-2 sm:grid-cols-8">
        {TEMPLATE_ICONS.map((icon) => (
          <label
            key={icon}
            className="flex cursor-pointer flex-col items-center gap-1 rounded-lg border border-slate-300 bg-white p-2 text-xs has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50 has-[:checked]:text-brand-700 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-500 dark:border-slate-700 dark:bg-slate-900 dark:has-[:checked]:border-brand-100 dark:has-[:checked]:bg-slate-800 dark:has-[:checked]:text-brand-100"
          >
            <input type="radio" name="settings-icon" value={icon} checked={value === icon} onChange={() => onChange(icon)} className="sr-only" />
            <TemplateIcon icon={icon} />
            <span>{icon}</span>
          </label>
        ))}
      </div>
      <FieldError errors={errors} path="icon" />
    </fieldset>
  );
}

/** A whole number from 0, as text so a half-typed value is not lost. */
export function NumberField({ path, label, help, value, onChange, errors }: { path: string; label: string; help?: string; value: string; onChange: (value: string) => void; errors: Errors }) {
  const id = fieldId(path);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={0}
        step={1}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...invalidProps(errors, path, help ? `${id}-help` : undefined)}
        className={`${inlineInputClass} mt-1 block w-32`}
      />
      {help && (
        <span id={`${id}-help`} className={helpClass}>
          {help}
        </span>
      )}
      <FieldError errors={errors} path={path} />
    </div>
  );
}

/** A duration as an amount and a unit, with an optional "Unlimited" switch beside it. */
export function DurationInput({
  path,
  label,
  help,
  value,
  onChange,
  unlimited,
  errors,
}: {
  path: string;
  label: string;
  help?: string;
  value: Duration;
  onChange: (value: Duration) => void;
  unlimited?: { checked: boolean; onChange: (checked: boolean) => void };
  errors: Errors;
}) {
  const id = fieldId(path);
  const helpId = help ? `${id}-help` : undefined;
  const off = unlimited?.checked ?? false;
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <input
          id={id}
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          value={off ? "" : value.amount}
          placeholder={off ? "∞" : undefined}
          disabled={off}
          onChange={(e) => onChange({ ...value, amount: e.target.value })}
          {...invalidProps(errors, path, helpId)}
          className={`${inlineInputClass} w-24`}
        />
        <select
          aria-label={`${label}: unit`}
          value={value.unit}
          disabled={off}
          onChange={(e) => onChange({ ...value, unit: e.target.value as DurationUnit })}
          className={inlineInputClass}
        >
          {DURATION_UNITS.map(({ unit }) => (
            <option key={unit} value={unit}>
              {unit}
            </option>
          ))}
        </select>
        {unlimited && <Switch id={`${id}-unlimited`} label="Unlimited" checked={unlimited.checked} onChange={unlimited.onChange} />}
      </div>
      {help && (
        <span id={helpId} className={helpClass}>
          {help}
        </span>
      )}
      <FieldError errors={errors} path={path} />
    </div>
  );
}

/**
 * Key/value rows (labels, annotations): add and remove rows by keyboard; a new row gets the focus, and the
 * focus moves to the next row (or "Add") when one is removed, so it is never lost.
 */
export function KeyValueRows({
  path,
  noun,
  help,
  rows,
  onChange,
  errors,
  valueMax,
}: {
  path: "labels" | "annotations";
  noun: string;
  help: string;
  rows: Row[];
  onChange: (rows: Row[]) => void;
  errors: Errors;
  valueMax: number;
}) {
  const focusNext = useRef<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusNext.current === null) return;
    const target = focusNext.current === "add" ? addButton.current : document.getElementById(focusNext.current);
    focusNext.current = null;
    target?.focus();
  });
  const helpId = `${fieldId(path)}-help`;
  const Noun = noun.charAt(0).toUpperCase() + noun.slice(1);
  return (
    <fieldset className={fieldsetClass} aria-describedby={describedBy(helpId, Boolean(errors[path]?.length) && errorId(path))}>
      <legend className={legendClass}>{Noun}s</legend>
      <p id={helpId} className={`${helpClass} mt-0`}>
        {help}
      </p>
      <FieldError errors={errors} path={path} />
      {rows.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">No {noun}s.</p>}
      <ul className="space-y-3">
        {rows.map((row, i) => {
          const keyPath = `${path}.${i}.key`;
          const valuePath = `${path}.${i}.value`;
          return (
            <li key={row.id} className="grid min-w-0 gap-2 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-start">
              <div className="min-w-0">
                <label htmlFor={fieldId(keyPath)} className="block text-xs font-medium">
                  Key<span className="sr-only"> of {noun} {i + 1}</span>
                </label>
                <input
                  id={fieldId(keyPath)}
                  value={row.key}
                  maxLength={400}
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(e) => onChange(rows.map((r) => (r.id === row.id ? { ...r, key: e.target.value } : r)))}
                  {...invalidProps(errors, keyPath)}
                  className={`${inputClass} font-mono`}
                />
                <FieldError errors={errors} path={keyPath} />
              </div>
              <div className="min-w-0">
                <label htmlFor={fieldId(valuePath)} className="block text-xs font-medium">
                  Value<span className="sr-only"> of {noun} {i + 1}</span>
                </label>
                <input
                  id={fieldId(valuePath)}
                  value={row.value}
                  maxLength={valueMax + 100}
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(e) => onChange(rows.map((r) => (r.id === row.id ? { ...r, value: e.target.value } : r)))}
                  {...invalidProps(errors, valuePath)}
                  className={`${inputClass} font-mono`}
                />
                <FieldError errors={errors} path={valuePath} />
              </div>
              <button
                type="button"
                onClick={() => {
                  const next = rows[i + 1] ?? rows[i - 1];
                  focusNext.current = next ? fieldId(`${path}.${rows[i + 1] ? i : i - 1}.key`) : "add";
                  onChange(rows.filter((r) => r.id !== row.id));
                }}
                className="justify-self-start rounded-md border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-100 sm:mt-5 dark:border-slate-700 dark:hover:bg-slate-800"
              >
                Remove<span className="sr-only">
                  {" "}
                  {noun} {i + 1}
                  {row.key ? ` (${row.key})` : ""}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <button
        ref={addButton}
        type="button"
        onClick={() => {
          focusNext.current = fieldId(`${path}.${rows.length}.key`);
          onChange([...rows, { id: rowId(), key: "", value: "" }]);
        }}
        className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        Add {noun}
      </button>
    </fieldset>
  );
}
