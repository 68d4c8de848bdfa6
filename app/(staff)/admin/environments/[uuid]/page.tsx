import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { EnvironmentDetail } from "@/components/admin/environment-detail";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import { getInstanceDetail } from "@/lib/services/instances/get-detail";

type Props = { params: Promise<{ uuid: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Environment ${(await params).uuid.slice(0, 8)}` };
}

export default async function EnvironmentPage({ params }: Props) {
  const { uuid } = await params;
  const identity = await requirePagePermission("instance:manage-any", `/admin/environments/${encodeURIComponent(uuid)}`);
  const detail = await pageData(getInstanceDetail(identity, { uuid }));
  return (
    <>
      <p className="text-sm">
        <Link href="/admin" className="text-brand-600 hover:underline dark:text-brand-100">
          Administration
        </Link>{" "}
        /{" "}
        <Link href="/admin/environments" className="text-brand-600 hover:underline dark:text-brand-100">
          Environments
        </Link>
      </p>
      <h1 className="mt-1 text-2xl font-semibold break-all">{detail.name}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {detail.displayName} · {detail.owner ? `owned by ${detail.owner}` : "nobody claimed it"} · uuid <span className="font-mono">{detail.uuid}</span>
      </p>
      <EnvironmentDetail initial={detail} />
    </>
  );
}
