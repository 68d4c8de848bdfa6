import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { ClassTemplateForm } from "@/components/teach/class-template-form";
import { Notice } from "@/components/ui/notice";
import { requirePagePermission } from "@/lib/auth/guards";
import { listOpenBases } from "@/lib/services/class-templates/list-open-bases";

export const metadata: Metadata = { title: "New class template" };

export default async function NewClassTemplatePage() {
  const identity = await requirePagePermission("class-template:manage", "/teach/templates/new");
  const bases = await listOpenBases(identity);
  return (
    <>
      <p className="text-sm">
        <Link href="/teach/templates" className="text-brand-600 underline hover:no-underline dark:text-brand-100">
          Class templates
        </Link>{" "}
        / New
      </p>
      <h1 className="mt-1 text-2xl font-semibold">New class template</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">Only the classes whose catalogs list it will see it: add it to a catalog once it is saved.</p>
      {bases.length === 0 ? (
        <Notice tone="info" className="mt-6">
          No base template is open to teachers yet. Ask an administrator to open one.
        </Notice>
      ) : (
        <ClassTemplateForm initial={null} bases={bases} />
      )}
    </>
  );
}
