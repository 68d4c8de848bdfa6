import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { Badge } from "@/components/admin/badge";
import { When } from "@/components/admin/local-date";
import { UserFilters } from "@/components/admin/user-filters";
import { DataTable } from "@/components/ui/table";
import { requirePagePermission } from "@/lib/auth/guards";
import { isUserListNarrowed } from "@/lib/domain/accounts";
import { listUsers } from "@/lib/services/accounts/list-users";

export const metadata: Metadata = { title: "Users" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const cell = "px-3 py-2 align-top";
const button = "rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";

export default async function UsersPage({ searchParams }: Props) {
  const identity = await requirePagePermission("user:manage", "/admin/users");
  const list = await listUsers(identity, { searchParams: await searchParams });
  const { filter, rows } = list;
  return (
    <>
      <p className="text-sm">
        <Link href="/admin" className="text-brand-600 underline dark:text-brand-100">
          Administration
        </Link>{" "}
        / Users
      </p>
      <div className="mt-1 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Users</h1>
        <div className="flex flex-wrap gap-2">
          <Link href="/admin/users/import" className={button}>
            Import a class list
          </Link>
          <Link href="/admin/users/new" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            New account
          </Link>
        </div>
      </div>
      <UserFilters filter={filter} />
      {rows.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          {isUserListNarrowed(filter) ? (
            <>
              No account matches these filters.{" "}
              <Link href="/admin/users" className="font-medium text-brand-700 underline dark:text-brand-100">
                Clear the filters
              </Link>
            </>
          ) : (
            "There are no accounts yet."
          )}
        </p>
      ) : (
        <>
          <p className="mt-4 text-sm text-slate-600 dark:text-slate-300" role="status">
            {isUserListNarrowed(filter) ? `${list.matching} of ${list.total}` : list.total} account{list.total === 1 ? "" : "s"}
            {list.truncated && ` (the first ${rows.length} are listed: narrow the search to see the others)`}
          </p>
          <DataTable columns={["Account", "Roles", "Source", "Status", "Last sign-in"]}>
            {rows.map((user) => (
              <tr key={user.id} className="border-t border-slate-200 dark:border-slate-800">
                <td className={`${cell} min-w-44`}>
                  <Link href={`/admin/users/account/${encodeURIComponent(user.username)}`} className="font-medium text-brand-700 hover:underline dark:text-brand-100">
                    {user.displayName ?? user.username}
                  </Link>
                  <span className="block font-mono text-xs wrap-anywhere text-slate-600 dark:text-slate-400">{user.username}</span>
                  {user.email && <span className="block text-xs wrap-anywhere text-slate-600 dark:text-slate-400">{user.email}</span>}
                </td>
                <td className={cell}>
                  <span className="flex flex-wrap gap-1">
                    {user.roles.includes("admin") ? <Badge tone="brand">admin</Badge> : user.roles.includes("teacher") ? <Badge tone="brand">teacher</Badge> : <Badge tone="slate">student</Badge>}
                  </span>
                </td>
                <td className={`${cell} whitespace-nowrap`}>{user.source === "oidc" ? "Single sign-on" : "Local"}</td>
                <td className={cell}>{user.disabledAt ? <Badge tone="red">disabled</Badge> : <Badge tone="green">enabled</Badge>}</td>
                <td className={`${cell} whitespace-nowrap`}>
                  <When at={user.lastLoginAt} />
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </>
  );
}
