import Link from "@/components/ui/link";
import type { ReactNode } from "react";
import { inputClass as baseInputClass } from "@/components/ui/form";
import { AUDIT_ACTION_GROUPS, AUDIT_OBJECT_TYPES, isAuditFiltered, MAX_ACTOR, MAX_OBJECT_ID, type AuditFilter } from "@/lib/domain/audit-trail";

const inputClass = `${baseInputClass} aria-invalid:border-red-600 dark:aria-invalid:border-red-400`;

function Errors({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors) return null;
  return (
    <span id={id} className="mt-1 block text-xs font-normal text-red-700 dark:text-red-300">
      {errors.join(" ")}
    </span>
  );
}

/** A labelled filter field whose errors are beside it and named by it (aria-describedby, aria-invalid). */
function FilterField({
  name,
  label,
  help,
  errors,
  wide = false,
  children,
}: {
  name: string;
  label: string;
  help?: string;
  errors?: string[];
  /** Takes both columns of a phone's two. */
  wide?: boolean;
  children: (props: { id: string; "aria-describedby"?: string; "aria-invalid"?: true }) => ReactNode;
}) {
  const id = `audit-${name}`;
  const described = [help && `${id}-help`, errors && `${id}-errors`].filter(Boolean).join(" ");
  return (
    <div className={`min-w-0 text-sm font-medium ${wide ? "col-span-2 lg:col-span-1" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(described && { "aria-describedby": described }), ...(errors && { "aria-invalid": true }) })}
      {help && (
        <span id={`${id}-help`} className="mt-1 block text-xs font-normal text-slate-600 dark:text-slate-400">
          {help}
        </span>
      )}
      <Errors id={`${id}-errors`} errors={errors} />
    </div>
  );
}

/**
 * The trail's filters as a plain GET form: the server filters, the URL keeps them (a reload or a shared link
 * shows the same entries, and the export takes the same ones), and it works without JavaScript. A value the
 * lists do not know (from a hand-written URL) stays selectable, so the form says what was asked.
 */
export function AuditFilters({ filter, errors }: { filter: AuditFilter; errors: Record<string, string[]> | null }) {
  const knownActions = new Set(AUDIT_ACTION_GROUPS.flatMap((g) => g.actions.map(([value]) => value)));
  const knownTypes = new Set(AUDIT_OBJECT_TYPES.map(([value]) => value));
  const e = errors ?? {};
  return (
    <form role="search" aria-label="Filter the audit trail" method="get" action="/admin/audit" className="mt-4 grid grid-cols-2 gap-3 lg:grid-cols-6 lg:items-start">
      <FilterField name="actor" label="Actor" help="Part of a username" errors={e.actor} wide>
        {(props) => <input {...props} name="actor" type="search" defaultValue={filter.actor} maxLength={MAX_ACTOR} autoComplete="off" spellCheck={false} className={inputClass} />}
      </FilterField>
      <FilterField name="action" label="Action" errors={e.action}>
        {(props) => (
          <select {...props} name="action" defaultValue={filter.action} className={inputClass}>
            <option value="">Any action</option>
            {!knownActions.has(filter.action) && filter.action && <option value={filter.action}>{filter.action}</option>}
            {AUDIT_ACTION_GROUPS.map((group) => (
              <optgroup key={group.label} label={group.label}>
                {group.actions.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        )}
      </FilterField>
      <FilterField name="type" label="Object type" errors={e.type}>
        {(props) => (
          <select {...props} name="type" defaultValue={filter.objectType} className={inputClass}>
            <option value="">Any object</option>
            {!knownTypes.has(filter.objectType) && filter.objectType && <option value={filter.objectType}>{filter.objectType}</option>}
            {AUDIT_OBJECT_TYPES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </FilterField>
      <FilterField name="object" label="Object id" help="Exactly as listed" errors={e.object} wide>
        {(props) => <input {...props} name="object" type="search" defaultValue={filter.objectId} maxLength={MAX_OBJECT_ID} autoComplete="off" spellCheck={false} className={inputClass} />}
      </FilterField>
      <FilterField name="from" label="From (UTC)" help="Like 2026-11-30 14:05" errors={e.from}>
        {(props) => <input {...props} name="from" type="text" defaultValue={filter.from} maxLength={40} autoComplete="off" className={inputClass} />}
      </FilterField>
      <FilterField name="to" label="To (UTC)" help="Includes that whole day or minute" errors={e.to}>
        {(props) => <input {...props} name="to" type="text" defaultValue={filter.to} maxLength={40} autoComplete="off" className={inputClass} />}
      </FilterField>
      <div className="col-span-2 flex flex-wrap items-center gap-3 lg:col-span-6">
        <button type="submit" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Apply filters
        </button>
        {(isAuditFiltered(filter) || errors) && (
          <Link href="/admin/audit" className="text-sm font-medium text-brand-700 underline dark:text-brand-100">
            Clear filters
          </Link>
        )}
      </div>
    </form>
  );
}
