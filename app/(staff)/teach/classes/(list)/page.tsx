import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { JoinStateBadge } from "@/components/classes/join-state-badge";
import { DataTable } from "@/components/ui/table";
import { requirePagePermission } from "@/lib/auth/guards";
import { listClasses, type ClassSummary } from "@/lib/services/classes/list-classes";

export const metadata: Metadata = { title: "Classes" };

const cell = "px-3 py-2 align-top";

function ClassRows({ classes }: { classes: ClassSummary[] }) {
  return (
    <DataTable columns={["Class", "Term", "Members", "Catalogs", "Joining", "Teachers"]}>
      {classes.map((c) => (
        <tr key={c.slug} className="border-t border-slate-200 dark:border-slate-800">
          <td className={`${cell} min-w-44`}>
            <Link href={`/teach/classes/${c.slug}/roster`} className="font-medium text-brand-700 hover:underline wrap-anywhere dark:text-brand-100">
              {c.title}
            </Link>
            <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">{c.slug}</span>
          </td>
          <td className={`${cell} min-w-24 wrap-anywhere`}>{c.term || <span className="text-slate-500 dark:text-slate-400">—</span>}</td>
          <td className={`${cell} tabular-nums`}>{c.members}</td>
          <td className={`${cell} tabular-nums`}>{c.catalogs}</td>
          <td className={cell}>
            <JoinStateBadge state={c.joinState} archived={c.archivedAt !== null} />
          </td>
          <td className={`${cell} min-w-32 wrap-anywhere text-slate-700 dark:text-slate-300`}>{c.teachers.join(", ")}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export default async function ClassesPage() {
  const identity = await requirePagePermission("teach:view", "/teach/classes");
  const classes = await listClasses(identity);
  const active = classes.filter((c) => c.archivedAt === null);
  const archived = classes.filter((c) => c.archivedAt !== null);
  const isAdmin = identity.roles.includes("admin");
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Classes</h1>
          <p className="mt-1 text-slate-600 dark:text-slate-400">{isAdmin ? "Every class in the portal." : "The classes you teach: their rosters, join codes and co-teachers."}</p>
        </div>
        {classes.length > 0 && (
          <Link href="/teach/classes/new" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            New class
          </Link>
        )}
      </div>
      {classes.length === 0 ? (
        <div className="mt-10 rounded-lg border border-dashed border-slate-300 p-8 text-center dark:border-slate-700">
          <h2 className="text-lg font-medium">No classes yet</h2>
          <p className="mx-auto mt-1 max-w-md text-sm text-slate-600 dark:text-slate-400">
            Create a class, then share its join link or code with your students: once they join, their catalog shows the environments you pick for the class.
          </p>
          <Link href="/teach/classes/new" className="mt-4 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            Create your first class
          </Link>
        </div>
      ) : (
        <>
          {active.length > 0 ? (
            <ClassRows classes={active} />
          ) : (
            <p className="mt-6 text-sm text-slate-600 dark:text-slate-400">Every class is archived.</p>
          )}
          {archived.length > 0 && (
            <details className="mt-8">
              <summary className="cursor-pointer text-sm font-medium text-slate-700 dark:text-slate-300">Archived classes ({archived.length})</summary>
              <ClassRows classes={archived} />
            </details>
          )}
        </>
      )}
    </>
  );
}
