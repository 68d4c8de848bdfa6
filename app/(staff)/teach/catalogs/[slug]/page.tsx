import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { CatalogEditor } from "@/components/teach/catalog-editor";
import { DeleteCatalogButton } from "@/components/teach/delete-catalog-button";
import { Notice } from "@/components/ui/notice";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import { describeAudience } from "@/lib/domain/catalog-rules";
import { getCatalog } from "@/lib/services/catalogs/get-catalog";
import { listAudienceClasses } from "@/lib/services/catalogs/list-audience-classes";
import { listUsableTemplates } from "@/lib/services/catalogs/list-usable-templates";

export const metadata: Metadata = { title: "Catalog" };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function CatalogPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const identity = await requirePagePermission("catalog:manage", `/teach/catalogs/${encodeURIComponent(slug)}`);
  const [catalog, templates, classes, query] = await Promise.all([pageData(getCatalog(identity, { slug })), listUsableTemplates(identity), listAudienceClasses(identity), searchParams]);
  const audience = describeAudience({ classes: catalog.classes.map((k) => k.title), groups: catalog.groups });
  return (
    <>
      <p className="text-sm">
        <Link href="/teach/catalogs" className="text-brand-600 hover:underline dark:text-brand-100">
          Catalogs
        </Link>{" "}
        / {catalog.slug}
      </p>
      <div className="mt-1 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold [overflow-wrap:anywhere]">{catalog.title}</h1>
        <DeleteCatalogButton slug={catalog.slug} title={catalog.title} audience={audience} />
      </div>
      {catalog.owner !== identity.username && <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{catalog.owner ? `${catalog.owner}'s catalog.` : "Its owner's account was removed."}</p>}
      {query.saved === "1" && (
        <Notice tone="success" className="mt-4">
          Saved. Students of its classes and groups see it now.
        </Notice>
      )}
      <CatalogEditor key={catalog.updatedAt.toISOString()} initial={catalog} templates={templates} classes={classes} />
    </>
  );
}
