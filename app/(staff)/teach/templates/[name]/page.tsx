import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { ClassTemplateForm } from "@/components/teach/class-template-form";
import { DeleteClassTemplateButton } from "@/components/teach/delete-class-template-button";
import { Notice } from "@/components/ui/notice";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import { getClassTemplate } from "@/lib/services/class-templates/get-class-template";
import { listOpenBases } from "@/lib/services/class-templates/list-open-bases";

export const metadata: Metadata = { title: "Class template" };

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ClassTemplatePage({ params, searchParams }: Props) {
  const { name } = await params;
  const identity = await requirePagePermission("class-template:manage", `/teach/templates/${encodeURIComponent(name)}`);
  const [template, bases, query] = await Promise.all([pageData(getClassTemplate(identity, { name })), listOpenBases(identity), searchParams]);
  return (
    <>
      <p className="text-sm">
        <Link href="/teach/templates" className="text-brand-600 underline hover:no-underline dark:text-brand-100">
          Class templates
        </Link>{" "}
        / {template.name}
      </p>
      <div className="mt-1 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold [overflow-wrap:anywhere]">{template.displayName}</h1>
        <DeleteClassTemplateButton name={template.name} displayName={template.displayName} catalogs={template.catalogs} />
      </div>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Version {template.version}
        {template.owner !== identity.username && ` · ${template.owner ? `${template.owner}'s class template` : "its owner's account was removed"}`} ·{" "}
        {template.catalogs === 0 ? (
          <>
            in no catalog yet:{" "}
            <Link href="/teach/catalogs" className="text-brand-700 underline dark:text-brand-100">
              add it to one
            </Link>{" "}
            for your classes to see it
          </>
        ) : (
          `in ${template.catalogs} catalog${template.catalogs === 1 ? "" : "s"}`
        )}
      </p>
      {query.saved === "1" && (
        <Notice tone="success" className="mt-4">
          Created. Add it to a catalog for your classes to see it.
        </Notice>
      )}
      {template.validationError && (
        <Notice tone="danger" className="mt-4">
          It cannot be launched until this is fixed: {template.validationError}
        </Notice>
      )}
      <ClassTemplateForm key={`${template.version}-${template.updatedAt.toISOString()}`} initial={template} bases={bases} />
    </>
  );
}
