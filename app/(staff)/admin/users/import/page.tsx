import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { ClassListImportForm } from "@/components/admin/class-list-import";
import { requirePagePermission } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Import a class list" };

export default async function ImportClassListPage() {
  await requirePagePermission("user:manage", "/admin/users/import");
  return (
    <>
      <p className="text-sm">
        <Link href="/admin" className="text-brand-600 underline dark:text-brand-100">
          Administration
        </Link>{" "}
        /{" "}
        <Link href="/admin/users" className="text-brand-600 underline dark:text-brand-100">
          Users
        </Link>{" "}
        / Import a class list
      </p>
      <h1 className="mt-1 text-2xl font-semibold">Import a class list</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-300">
        Creates a local account for each line. Check the file first: the dry run says what each line becomes and what is wrong with it, and the import then creates every
        account or none.
      </p>
      <ClassListImportForm />
    </>
  );
}
