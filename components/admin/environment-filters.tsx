import Link from "@/components/ui/link";
import { inputClass } from "@/components/ui/form";
import { DEFAULT_INSTANCE_QUERY, EXPIRING_WITHIN, NO_OWNER, type InstanceListQuery } from "@/lib/domain/instance-list";
import { PHASES } from "@/lib/domain/phase";

const EXPIRING_LABELS: Record<keyof typeof EXPIRING_WITHIN, string> = { "15m": "15 minutes", "1h": "1 hour", "4h": "4 hours", "1d": "1 day" };
const FIELDS = ["template", "owner", "phase", "expiring", "show", "failed"];

function Errors({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <span id={id} className="mt-1 block text-xs font-normal text-red-700 dark:text-red-300">
      {messages.join(" ")}
    </span>
  );
}

function Choice(props: { label: string; name: string; value: string; options: [string, string][]; errors?: string[] }) {
  const errorId = `filter-${props.name}-error`;
  const options = props.options.some(([v]) => v === props.value) ? props.options : [...props.options, [props.value, props.value] as [string, string]];
  return (
    <label className="block text-sm font-medium">
      {props.label}
      <select name={props.name} defaultValue={props.value} aria-invalid={props.errors ? true : undefined} aria-describedby={props.errors ? errorId : undefined} className={inputClass}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      <Errors id={errorId} messages={props.errors} />
    </label>
  );
}

/**
 * The list's filters as a plain GET form: the server filters, the URL keeps them (a reload or a shared link
 * shows the same list), and it works without JavaScript. `values` are the URL's own text, so a parameter
 * that was refused is shown as it was typed, with its error beside it.
 */
export function EnvironmentFilters({
  values,
  query,
  errors,
  templates,
}: {
  values: Record<string, string>;
  query: InstanceListQuery | null;
  errors: Record<string, string[]> | null;
  templates: { name: string; displayName: string; deleted: boolean }[];
}) {
  const templateOptions: [string, string][] = [["", "Any template"], ...templates.map((t): [string, string] => [t.name, `${t.displayName} (${t.name})${t.deleted ? ", deleted" : ""}`])];
  const others = errors ? Object.entries(errors).filter(([name]) => !FIELDS.includes(name)) : [];
  const narrowed = FIELDS.some((name) => values[name]);
  return (
    <form role="search" aria-label="Filter environments" method="get" action="/admin/environments" className="mt-4 grid grid-cols-2 gap-3 lg:grid-cols-6 lg:items-start">
      {/* A new filter starts again at page 1, in the order chosen. */}
      {query && query.sort !== DEFAULT_INSTANCE_QUERY.sort && <input type="hidden" name="sort" value={query.sort} />}
      {query && (query.sort !== DEFAULT_INSTANCE_QUERY.sort || query.order !== DEFAULT_INSTANCE_QUERY.order) && <input type="hidden" name="order" value={query.order} />}
      <Choice label="Template" name="template" value={values.template ?? ""} options={templateOptions} errors={errors?.template} />
      <label className="block text-sm font-medium">
        Owner
        <input
          type="search"
          name="owner"
          defaultValue={values.owner ?? ""}
          maxLength={100}
          placeholder={`Part of a username or group; ${NO_OWNER} for unclaimed`}
          aria-invalid={errors?.owner ? true : undefined}
          aria-describedby={errors?.owner ? "filter-owner-error" : undefined}
          className={inputClass}
        />
        <Errors id="filter-owner-error" messages={errors?.owner} />
      </label>
      <Choice label="Phase" name="phase" value={values.phase ?? ""} options={[["", "Any phase"], ...PHASES.map((p): [string, string] => [p, p])]} errors={errors?.phase} />
      <Choice
        label="Expiring within"
        name="expiring"
        value={values.expiring ?? ""}
        options={[["", "Any time"], ...Object.entries(EXPIRING_LABELS)]}
        errors={errors?.expiring}
      />
      <Choice
        label="Show"
        name="show"
        value={values.show ?? ""}
        options={[
          ["", "Live (not torn down)"],
          ["ended", "Ended (torn down)"],
          ["all", "All"],
        ]}
        errors={errors?.show}
      />
      <div className="block text-sm font-medium">
        <span aria-hidden="true" className="hidden lg:block">
          &nbsp;
        </span>
        <label className="mt-1 flex items-center gap-2 py-2">
          <input type="checkbox" name="failed" value="1" defaultChecked={values.failed === "1"} aria-describedby={errors?.failed ? "filter-failed-error" : undefined} className="h-4 w-4" />
          Failed or in trouble
        </label>
        <Errors id="filter-failed-error" messages={errors?.failed} />
      </div>
      {others.length > 0 && (
        <ul className="col-span-2 list-inside list-disc text-sm text-red-700 lg:col-span-6 dark:text-red-300">
          {others.map(([name, messages]) => (
            <li key={name}>
              <span className="font-mono">{name}</span> {messages.join(" ")}
            </li>
          ))}
        </ul>
      )}
      <div className="col-span-2 flex flex-wrap items-center gap-3 lg:col-span-6">
        <button type="submit" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Apply filters
        </button>
        {(narrowed || errors) && (
          <Link href="/admin/environments" className="text-sm font-medium text-brand-700 underline dark:text-brand-100">
            Clear filters
          </Link>
        )}
      </div>
    </form>
  );
}
