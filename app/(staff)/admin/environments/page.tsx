import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { redirect } from "next/navigation";
import { EnvironmentFilters } from "@/components/admin/environment-filters";
import { EnvironmentTable } from "@/components/admin/environment-table";
import { Notice } from "@/components/ui/notice";
import { requirePagePermission } from "@/lib/auth/guards";
import { isAppError } from "@/lib/domain/errors";
import { instanceListHref } from "@/lib/domain/instance-list";
import { listAllInstances, type AdminEnvironmentPage } from "@/lib/services/instances/list-all";
import { listEnvironmentFilterChoices } from "@/lib/services/instances/list-filter-choices";

export const metadata: Metadata = { title: "Environments" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The URL's parameters as the text the form shows again (the first of a repeated one). */
function textValues(params: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, (Array.isArray(value) ? value[0] : value) ?? ""]));
}

export default async function EnvironmentsPage({ searchParams }: Props) {
  const identity = await requirePagePermission("instance:manage-any", "/admin/environments");
  const params = await searchParams;
  const [listed, choices] = await Promise.all([
    listAllInstances(identity, { searchParams: params }).catch((error: unknown) => {
      // Filters the list does not understand are shown beside their fields, and nothing is listed meanwhile.
      if (isAppError(error) && error.code === "INVALID_INPUT") return error;
      throw error;
    }),
    listEnvironmentFilterChoices(identity),
  ]);
  const page: AdminEnvironmentPage | null = isAppError(listed) ? null : listed;
  // The filter form sends every field, the empty ones too: the address to keep and share names only those set.
  if (page && Object.values(params).some((value) => value === "")) redirect(instanceListHref(page.query));
  return (
    <>
      <p className="text-sm">
        <Link href="/admin" className="text-brand-600 hover:underline dark:text-brand-100">
          Administration
        </Link>{" "}
        / Environments
      </p>
      <h1 className="mt-1 text-2xl font-semibold">Environments</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Every environment, warm pool members included, as it changes. Filter, pick rows or a whole filter, and extend or end them at once; open one for its
        parameters, values, Flux&apos;s report and its history.
      </p>
      <EnvironmentFilters values={textValues(params)} query={page?.query ?? null} errors={isAppError(listed) ? (listed.fields ?? {}) : null} templates={choices.templates} />
      {page ? (
        <EnvironmentTable key={instanceListHref(page.query)} initial={page} />
      ) : (
        <Notice tone="danger" className="mt-6">
          {isAppError(listed) ? listed.message : null}{" "}
          <Link href="/admin/environments" className="font-medium underline">
            Show every live environment
          </Link>
        </Notice>
      )}
    </>
  );
}
