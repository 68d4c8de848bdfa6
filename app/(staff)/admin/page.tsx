import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { requirePagePermission } from "@/lib/auth/guards";
import { describeAction, describeObjectType } from "@/lib/domain/audit-trail";
import { getAdminOverview } from "@/lib/services/staff/get-admin-overview";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const identity = await requirePagePermission("admin:view", "/admin");
  const overview = await getAdminOverview(identity);
  const stats = [
    ["Templates", overview.counts.templates],
    ["Users", overview.counts.users],
    ["Live environments", overview.counts.liveInstances],
    ["Catalogs", overview.counts.catalogs],
  ] as const;
  return (
    <>
      <h1 className="text-2xl font-semibold">Administration</h1>
      <dl className="mt-6 grid grid-cols-2 gap-4 sm:grid-cols-4">
        {stats.map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <dt className="text-sm text-slate-600 dark:text-slate-400">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold">{value}</dd>
          </div>
        ))}
      </dl>
      <section aria-labelledby="templates" className="mt-10 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <h2 id="templates" className="text-lg font-semibold">
          Templates
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          {overview.counts.templates} in use
          {overview.invalidTemplates > 0 && `, ${overview.invalidTemplates} of them invalid (left out of the catalog)`}. Search and filter them, see their
          environments and pools, create, import, export, delete and restore them.
        </p>
        <p className="mt-3 flex flex-wrap gap-3 text-sm">
          <Link href="/admin/templates" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
            Manage templates
          </Link>
          <Link href="/admin/templates/new" className="rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
            New template
          </Link>
        </p>
      </section>
      <section aria-labelledby="environments" className="mt-6 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <h2 id="environments" className="text-lg font-semibold">
          Environments
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          {overview.counts.liveInstances} live, warm pool members included
          {overview.failedInstances > 0 && `, ${overview.failedInstances} of them failed`}. See every one as it changes, read why one failed, retry it, and
          extend or end many at once.
        </p>
        <p className="mt-3 flex flex-wrap gap-3 text-sm">
          <Link href="/admin/environments" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
            Manage environments
          </Link>
          {overview.failedInstances > 0 && (
            <Link href="/admin/environments?phase=Failed" className="rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
              Failed ({overview.failedInstances})
            </Link>
          )}
        </p>
      </section>
      <section aria-labelledby="audit" className="mt-6 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <h2 id="audit" className="text-lg font-semibold">
          Audit trail
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          Every sign-in (and failed one), launch, extension and end, and every change to templates, settings, accounts and API tokens: who, when
          and from where. Filter it and export it as CSV.
        </p>
        <p className="mt-3 text-sm">
          <Link href="/admin/audit" className="inline-block rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
            Open the audit trail
          </Link>
        </p>
      </section>
      <div className="mt-6 grid gap-6 md:grid-cols-2">
        <section aria-labelledby="users" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <h2 id="users" className="text-lg font-semibold">
            Users
          </h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
            {overview.counts.users} accounts. Search and filter them, create local accounts, import a class list, change roles and groups, disable and reset passwords.
          </p>
          <p className="mt-3 flex flex-wrap gap-3 text-sm">
            <Link href="/admin/users" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
              Manage users
            </Link>
            <Link href="/admin/users/import" className="rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
              Import a class list
            </Link>
          </p>
        </section>
        <section aria-labelledby="settings" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <h2 id="settings" className="text-lg font-semibold">
            Settings
          </h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
            The base domain and connection URLs, the default quota and launch limits, Flux, and the values and claims templates see.
          </p>
          <p className="mt-3 text-sm">
            <Link href="/admin/settings" className="inline-block rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
              Edit settings
            </Link>
          </p>
        </section>
      </div>
      <h2 className="mt-10 text-lg font-semibold">Recent activity</h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        The latest entries of the{" "}
        <Link href="/admin/audit" className="font-medium text-brand-600 underline dark:text-brand-100">
          audit trail
        </Link>
        .
      </p>
      {overview.recentEvents.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">Nothing has happened yet.</p>
      ) : (
        <ul className="mt-3 space-y-1 text-sm">
          {overview.recentEvents.map((e, i) => (
            <li key={i}>
              <time dateTime={e.at.toISOString()} className="text-slate-600 dark:text-slate-400">{e.at.toISOString().replace("T", " ").slice(0, 16)} UTC</time>{" "}
              <span className="font-medium">{e.actorName}</span>: {describeAction(e.action)}{" "}
              <span className="text-slate-600 dark:text-slate-400">· {describeObjectType(e.objectType)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
