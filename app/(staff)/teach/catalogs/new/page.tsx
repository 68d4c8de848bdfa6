import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { CatalogEditor } from "@/components/teach/catalog-editor";
import { requirePagePermission } from "@/lib/auth/guards";
import { listAudienceClasses } from "@/lib/services/catalogs/list-audience-classes";
import { listUsableTemplates } from "@/lib/services/catalogs/list-usable-templates";

export const metadata: Metadata = { title: "New catalog" };

export default async function NewCatalogPage() {
  const identity = await requirePagePermission("catalog:manage", "/teach/catalogs/new");
  const [templates, classes] = await Promise.all([listUsableTemplates(identity), listAudienceClasses(identity)]);
  return (
    <>
      <p className="text-sm">
        <Link href="/teach/catalogs" className="text-brand-600 hover:underline dark:text-brand-100">
          Catalogs
        </Link>{" "}
        / New
      </p>
      <h1 className="mt-1 text-2xl font-semibold">New catalog</h1>
      <CatalogEditor initial={null} templates={templates} classes={classes} />
    </>
  );
}
