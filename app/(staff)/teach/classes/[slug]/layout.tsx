import Link from "@/components/ui/link";
import type { ReactNode } from "react";
import { ClassTabs } from "@/components/classes/class-tabs";
import { JoinStateBadge } from "@/components/classes/join-state-badge";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import { getClass } from "@/lib/services/classes/get-class";

/** A class's pages: its title and the tabs between them. A class the caller does not teach is not found. */
export default async function ClassLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const identity = await requirePagePermission("teach:view", `/teach/classes/${slug}`);
  const found = await pageData(getClass(identity, { slug }));
  return (
    <>
      <Link href="/teach/classes" className="text-sm text-brand-700 hover:underline dark:text-brand-100">
        ← Classes
      </Link>
      <div className="mt-2 flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h1 className="text-2xl font-semibold wrap-anywhere">{found.title}</h1>
        {found.term && <span className="text-slate-600 dark:text-slate-400">{found.term}</span>}
        <JoinStateBadge state={found.joinState} archived={found.archivedAt !== null} />
      </div>
      <ClassTabs slug={found.slug} />
      <div className="mt-6">{children}</div>
    </>
  );
}
