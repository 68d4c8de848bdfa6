import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { requirePagePermission } from "@/lib/auth/guards";
import { getTeachOverview } from "@/lib/services/staff/get-teach-overview";

export const metadata: Metadata = { title: "Teach" };

export default async function TeachPage() {
  const identity = await requirePagePermission("teach:view", "/teach");
  const { catalogs } = await getTeachOverview(identity);
  return (
    <>
      <h1 className="text-2xl font-semibold">Teaching</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">Catalogs you curate for your classes.</p>
      <p className="mt-4 flex flex-wrap gap-3">
        <Link href="/teach/classes" className="inline-block rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800">
          Your classes: rosters and join codes
        </Link>
        <Link href="/teach/catalogs" className="inline-block rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800">
          Manage catalogs
        </Link>
      </p>
      {catalogs.length === 0 ? (
        <p className="mt-10 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
          You have no catalogs yet.
        </p>
      ) : (
        <ul className="mt-6 space-y-3">
          {catalogs.map((c) => (
            <li key={c.slug} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
              <h2 className="font-medium">
                <Link href={`/teach/catalogs/${c.slug}`} className="hover:underline">
                  {c.title}
                </Link>
              </h2>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                {c.items} templates · for {[...c.classes, ...c.audienceGroups].join(", ") || "nobody yet"}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
