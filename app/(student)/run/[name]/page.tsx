import type { Metadata } from "next";
import { cache } from "react";
import Link from "@/components/ui/link";
import { LaunchPanel } from "@/components/student/launch-panel";
import { TemplateIconTile } from "@/components/template-icon";
import { Notice } from "@/components/ui/notice";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import { describeTtl } from "@/lib/domain/catalog";
import { can } from "@/lib/domain/permissions";
import { getLaunchPage } from "@/lib/services/instances/launch-page";

type Props = { params: Promise<{ name: string }> };

/** The page's data, read once per request though both the title and the page ask for it. */
const readPage = cache(async (name: string) => {
  const identity = await requirePagePermission("instance:launch", `/run/${encodeURIComponent(name)}`);
  return { identity, page: await pageData(getLaunchPage(identity, { name })) };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { template, existing } = (await readPage((await params).name)).page;
  return { title: existing ? template.displayName : `Launch ${template.displayName}` };
}

export default async function RunPage({ params }: Props) {
  const { identity, page } = await readPage((await params).name);
  const { template, existing, unavailable } = page;
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/" className="text-brand-600 underline dark:text-brand-100">
          Catalog
        </Link>
        <span aria-hidden="true" className="mx-2 text-slate-400">
          /
        </span>
        <span aria-current="page">{template.displayName}</span>
      </nav>
      <div className="mt-4 flex items-start gap-4">
        <TemplateIconTile icon={template.icon} size="lg" />
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold">{template.displayName}</h1>
          <p className="mt-1 text-slate-600 dark:text-slate-400">{template.description}</p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Lifetime {describeTtl(template.ttlSeconds)}
            {template.method === "pool" && template.warm > 0 && !existing && <> · a warm one is waiting: you get it at once</>}
          </p>
        </div>
      </div>
      {existing || !unavailable ? (
        <LaunchPanel
          name={template.name}
          schema={page.parameters}
          existing={existing}
          estimateSeconds={page.estimateSeconds}
          serverNow={page.readAt}
          staff={can(identity, "instance:diagnose")}
        />
      ) : (
        <Notice tone="warning" className="mt-6">
          <p className="font-medium">This environment cannot be launched right now.</p>
          <p className="mt-1 wrap-anywhere">{unavailable}</p>
          <Link href="/" className="mt-2 inline-block font-medium underline">
            Back to the catalog
          </Link>
        </Notice>
      )}
    </>
  );
}
