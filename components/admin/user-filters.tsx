import Link from "@/components/ui/link";
import { inputClass } from "@/components/ui/form";
import { isUserListNarrowed, MAX_USER_SEARCH, SIGN_IN_FILTERS, SIGN_IN_WORDS, type UserFilter } from "@/lib/domain/accounts";

const ROLES = [
  ["", "Any role"],
  ["student", "Student"],
  ["teacher", "Teacher"],
  ["admin", "Admin"],
] as const;
const SOURCES = [
  ["", "Local and single sign-on"],
  ["local", "Local accounts"],
  ["oidc", "Single sign-on"],
] as const;
const STATUSES = [
  ["", "Enabled and disabled"],
  ["enabled", "Enabled"],
  ["disabled", "Disabled"],
] as const;
const SIGN_INS = [["", "Any time"], ...SIGN_IN_FILTERS.map((f) => [f, SIGN_IN_WORDS[f]] as const)] as const;

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

/** The user list's search and filters as a plain GET form: the URL keeps them, and it works without JavaScript. */
export function UserFilters({ filter }: { filter: UserFilter }) {
  return (
    <form role="search" aria-label="Filter users" method="get" action="/admin/users" className="mt-4 grid grid-cols-2 gap-3 lg:grid-cols-6 lg:items-end">
      <label className="col-span-2 block text-sm font-medium">
        Search
        <input type="search" name="q" defaultValue={filter.q} maxLength={MAX_USER_SEARCH} placeholder="Username, name or email" className={inputClass} />
      </label>
      <Choice label="Role" name="role" value={filter.role ?? ""} options={ROLES} />
      <Choice label="Source" name="source" value={filter.source ?? ""} options={SOURCES} />
      <Choice label="Status" name="status" value={filter.status ?? ""} options={STATUSES} />
      <Choice label="Last sign-in" name="signIn" value={filter.signIn ?? ""} options={SIGN_INS} />
      <div className="col-span-2 flex items-center gap-3 lg:col-span-6">
        <button type="submit" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Apply filters
        </button>
        {isUserListNarrowed(filter) && (
          <Link href="/admin/users" className="text-sm font-medium text-brand-700 underline dark:text-brand-100">
            Clear the filters
          </Link>
        )}
      </div>
    </form>
  );
}
