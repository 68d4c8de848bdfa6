import type { Metadata } from "next";
import { ArchivePanel, ClassFieldsForm, TeachersPanel } from "@/components/classes/class-settings";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import { getClass } from "@/lib/services/classes/get-class";

export const metadata: Metadata = { title: "Class settings" };

export default async function ClassSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const identity = await requirePagePermission("teach:view", `/teach/classes/${slug}/settings`);
  const found = await pageData(getClass(identity, { slug }));
  return (
    <div className="grid max-w-3xl gap-6">
      <ClassFieldsForm slug={found.slug} title={found.title} term={found.term} groups={found.groups} />
      <TeachersPanel slug={found.slug} teachers={found.teachers} me={identity.username} />
      <section aria-labelledby="catalogs-heading" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <h2 id="catalogs-heading" className="text-lg font-semibold">
          Catalogs
        </h2>
        {found.catalogs.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">No catalog is for this class yet: its students see the general catalog only.</p>
        ) : (
          <ul className="mt-1 list-disc pl-5 text-sm">
            {found.catalogs.map((c) => (
              <li key={c.slug}>{c.title}</li>
            ))}
          </ul>
        )}
      </section>
      <ArchivePanel slug={found.slug} archived={found.archivedAt !== null} />
    </div>
  );
}
