import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { Notice } from "@/components/ui/notice";
import { DataTable } from "@/components/ui/table";
import { requirePagePermission } from "@/lib/auth/guards";
import { CATALOG_SLUG } from "@/lib/domain/catalog-rules";
import { listCatalogs } from "@/lib/services/catalogs/list-catalogs";

export const metadata: Metadata = { title: "Catalogs" };

const cell = "px-3 py-2 align-top";

/** A notice after a change made on another page (`?done=deleted:slug`): only a valid slug is ever shown from it. */
function doneNotice(done: string | string[] | undefined): string | null {
  const [what, slug] = (typeof done === "string" ? done : "").split(":");
  if (what === "deleted" && slug && CATALOG_SLUG.test(slug)) return `Deleted the catalog ${slug}. Its students no longer see it.`;
  return null;
}

export default async function CatalogsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const identity = await requirePagePermission("catalog:manage", "/teach/catalogs");
  const isAdmin = identity.roles.includes("admin");
  const [{ catalogs }, params] = await Promise.all([listCatalogs(identity), searchParams]);
  const notice = doneNotice(params.done);
  return (
    <>
      <p className="text-sm">
        <Link href="/teach" className="text-brand-600 hover:underline dark:text-brand-100">
          Teaching
        </Link>{" "}
        / Catalogs
      </p>
      <div className="mt-1 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Catalogs</h1>
        <Link href="/teach/catalogs/new" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
          New catalog
        </Link>
      </div>
      <p className="mt-1 text-slate-600 dark:text-slate-400">
        {isAdmin ? "Every teacher's catalogs." : "Your catalogs."} Students of a catalog&apos;s classes and groups see it first in their catalog, in your order, with your notes.
      </p>
      {notice && (
        <Notice tone="success" className="mt-4">
          {notice}
        </Notice>
      )}
      {catalogs.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          You have no catalogs yet.{" "}
          <Link href="/teach/catalogs/new" className="font-medium text-brand-700 underline dark:text-brand-100">
            Create the first one
          </Link>{" "}
          for a class.
        </p>
      ) : (
        <DataTable columns={["Catalog", "For", "Environments", ...(isAdmin ? ["Owner"] : []), "Updated"]}>
          {catalogs.map((c) => (
            <tr key={c.slug} className="border-t border-slate-200 dark:border-slate-800">
              <td className={`${cell} min-w-40`}>
                <Link href={`/teach/catalogs/${c.slug}`} className="font-medium text-brand-700 hover:underline dark:text-brand-100">
                  {c.title}
                </Link>
                <span className="block text-xs text-slate-600 dark:text-slate-400">{c.slug}</span>
              </td>
              <td className={`${cell} min-w-40`}>
                {c.classes.length === 0 && c.groups.length === 0 ? (
                  <span className="text-amber-800 dark:text-amber-200">Nobody yet</span>
                ) : (
                  <ul className="flex flex-wrap gap-1">
                    {c.classes.map((k) => (
                      <li key={k.slug} className="rounded bg-brand-50 px-1.5 py-0.5 text-xs text-brand-700 dark:bg-slate-800 dark:text-brand-100">
                        {k.title}
                        {k.archived && " (archived)"}
                      </li>
                    ))}
                    {c.groups.map((g) => (
                      <li key={g} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-200">
                        group {g}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className={cell}>{c.items.filter((i) => !i.unavailable).length}</td>
              {isAdmin && <td className={cell}>{c.owner ?? "(account removed)"}</td>}
              <td className={`${cell} whitespace-nowrap text-slate-600 dark:text-slate-400`}>{c.updatedAt.toISOString().slice(0, 10)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
