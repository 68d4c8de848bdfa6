import Link from "@/components/ui/link";
import { inputClass } from "@/components/ui/form";
import { displayCategory } from "@/lib/domain/catalog";
import { isNarrowed, templateListHref, type TemplateListFilter } from "@/lib/domain/template-list";

const STATES = [
  ["", "Any state"],
  ["enabled", "Enabled"],
  ["disabled", "Disabled"],
  ["invalid", "Invalid"],
  ["base", "Base"],
] as const;
const METHODS = [
  ["", "Any method"],
  ["on_demand", "On demand"],
  ["pool", "Warm pool"],
] as const;
const OWNERS = [
  ["", "Anyone"],
  ["system", "System"],
  ["class", "Class (a teacher's)"],
] as const;

function Choice({ label, name, value, options }: { label: string; name: string; value: string; options: readonly (readonly [string, string])[] }) {
  return (
    <label className="block text-sm font-medium">
      {label}
      <select name={name} defaultValue={value} className={inputClass}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The list's filters as a plain GET form: the server filters, the URL keeps them (a reload or a shared link
 * shows the same list), and it works without JavaScript.
 */
export function TemplateFilters({ filter, categories }: { filter: TemplateListFilter; categories: string[] }) {
  const categoryOptions: [string, string][] = [["", "Any category"], ...categories.map((c): [string, string] => (c === "" ? ["-", "Other (none)"] : [c, displayCategory(c)]))];
  // A category chosen in the URL that no live template has any more stays selectable, so the form says what is shown.
  const current = filter.category === null ? "" : filter.category === "" ? "-" : filter.category;
  if (current && !categoryOptions.some(([v]) => v === current)) categoryOptions.push([current, displayCategory(current)]);
  return (
    <form role="search" aria-label="Filter templates" method="get" action="/admin/templates" className="mt-4 grid grid-cols-2 gap-3 lg:grid-cols-6 lg:items-end">
      {filter.deleted && <input type="hidden" name="deleted" value="1" />}
      <label className="col-span-2 block text-sm font-medium">
        Search
        <input type="search" name="q" defaultValue={filter.query} maxLength={100} placeholder="Name, description, category" className={inputClass} />
      </label>
      <Choice label="State" name="state" value={filter.state ?? ""} options={STATES} />
      <Choice label="Method" name="method" value={filter.method ?? ""} options={METHODS} />
      <Choice label="Category" name="category" value={current} options={categoryOptions} />
      <Choice label="Owner" name="owner" value={filter.owner ?? ""} options={OWNERS} />
      <div className="col-span-2 flex items-center gap-3 lg:col-span-6">
        <button type="submit" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Apply filters
        </button>
        {isNarrowed(filter) && (
          <Link href={templateListHref({ deleted: filter.deleted })} className="text-sm font-medium text-brand-700 underline dark:text-brand-100">
            Clear filters
          </Link>
        )}
      </div>
    </form>
  );
}
