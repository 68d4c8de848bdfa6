import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/ui/table";
import { requirePagePermission } from "@/lib/auth/guards";
import { getAdminOverview } from "@/lib/services/staff/get-admin-overview";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const identity = await requirePagePermission("admin:view", "/admin");
  const overview = await getAdminOverview(identity);
  const stats = [
    ["Templates", overview.counts.templates],
    ["Users", overview.counts.users],
    ["Live instances", overview.counts.liveInstances],
    ["Catalogs", overview.counts.catalogs],
  ] as const;
  return (
    <>
      <h1 className="text-2xl font-semibold">Administration</h1>
      <dl className="mt-6 grid grid-cols-2 gap-4 sm:grid-cols-4">
        {stats.map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <dt className="text-sm text-slate-500">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold">{value}</dd>
          </div>
        ))}
      </dl>
      <h2 className="mt-10 text-lg font-semibold">Templates</h2>
      <DataTable columns={["Name", "Version", "Method", "State"]}>
        {overview.templates.map((t) => (
          <tr key={t.name} className="border-t border-slate-200 dark:border-slate-800">
            <td className="px-3 py-2">
              <Link href={`/admin/templates/${t.name}`} className="font-medium text-brand-700 hover:underline dark:text-brand-100">
                {t.displayName}
              </Link>{" "}
              <span className="text-slate-500">{t.name}</span>
            </td>
            <td className="px-3 py-2">v{t.version}</td>
            <td className="px-3 py-2">{t.method === "pool" ? "warm pool" : "on demand"}</td>
            <td className="px-3 py-2">
              {t.validationError ? (
                <span className="font-medium text-red-700 dark:text-red-300" title={t.validationError}>
                  invalid
                </span>
              ) : (
                [t.isBase ? "base" : t.enabled ? "enabled" : "disabled", t.visible ? "listed" : "hidden"].join(", ")
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <h2 className="mt-10 text-lg font-semibold">Recent activity</h2>
      {overview.recentEvents.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">Nothing has happened yet.</p>
      ) : (
        <ul className="mt-3 space-y-1 text-sm">
          {overview.recentEvents.map((e, i) => (
            <li key={i}>
              <time dateTime={e.at.toISOString()} className="text-slate-500">{e.at.toISOString().replace("T", " ").slice(0, 16)}</time>{" "}
              <span className="font-medium">{e.actorName}</span> {e.action} ({e.objectType})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
