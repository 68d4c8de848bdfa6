import type { Metadata } from "next";
import { Providers } from "@/components/providers";
import { ClassEnvironmentsView } from "@/components/teach/class-environments";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import { getClassEnvironments } from "@/lib/services/classes/get-class-environments";

export const metadata: Metadata = { title: "Class" };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** A class's Environments tab: the live class view, under the class's title and tabs (the layout). */
export default async function ClassEnvironmentsPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const identity = await requirePagePermission("teach:view", `/teach/classes/${encodeURIComponent(slug)}`);
  const view = await pageData(getClassEnvironments(identity, { slug, searchParams: await searchParams }));
  return (
    <>
      <h2 className="sr-only">Environments</h2>
      <Providers>
        <ClassEnvironmentsView key={JSON.stringify(view.query)} initial={view} />
      </Providers>
    </>
  );
}
