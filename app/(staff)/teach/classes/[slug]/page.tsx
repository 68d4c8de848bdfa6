import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Providers } from "@/components/providers";
import { ClassEnvironmentsView } from "@/components/teach/class-environments";
import { requirePagePermission } from "@/lib/auth/guards";
import { isAppError } from "@/lib/domain/errors";
import { getClassEnvironments } from "@/lib/services/classes/get-class-environments";

export const metadata: Metadata = { title: "Class" };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * A class's Environments tab: the live class view. Its heading stays here until the class's layout (title
 * and tabs) takes it over.
 */
export default async function ClassEnvironmentsPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const identity = await requirePagePermission("teach:view", `/teach/classes/${encodeURIComponent(slug)}`);
  const view = await getClassEnvironments(identity, { slug, searchParams: await searchParams }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  return (
    <>
      <p className="text-sm">
        <Link href="/teach" className="text-brand-700 underline underline-offset-2 dark:text-brand-100">
          Teaching
        </Link>{" "}
        / {view.class.title}
      </p>
      <h1 className="mt-1 text-2xl font-semibold break-words">
        {view.class.title} <span className="text-base font-normal text-slate-600 dark:text-slate-400">· Environments</span>
      </h1>
      {view.class.archived && <p className="mt-1 text-sm text-amber-900 dark:text-amber-100">This class is archived: its students may still have environments running.</p>}
      <Providers>
        <ClassEnvironmentsView key={JSON.stringify(view.query)} initial={view} />
      </Providers>
    </>
  );
}
