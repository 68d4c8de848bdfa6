import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { PoolPanel } from "@/components/templates/pool-panel";
import { PreviewForm } from "@/components/templates/preview-form";
import { RollbackButton } from "@/components/templates/rollback-button";
import { SettingsForm } from "@/components/templates/settings-form";
import { SpecEditor } from "@/components/templates/spec-editor";
import { TemplateActions } from "@/components/templates/template-actions";
import { DataTable } from "@/components/ui/table";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import { isAppError } from "@/lib/domain/errors";
import { describeParameters, toParameterSchema } from "@/lib/templates/parameters";
import { diffTemplateVersions } from "@/lib/services/templates/diff-versions";
import { getTemplateDeleteImpact } from "@/lib/services/templates/get-delete-impact";
import { getTemplateDetail } from "@/lib/services/templates/get-detail";
import { listTemplateCategories } from "@/lib/services/templates/list-categories";
import { getPoolState } from "@/lib/services/pools/get-pool-state";

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Template ${(await params).name}` };
}

function diffLineClass(line: string): string {
  if (line.startsWith("+") && !line.startsWith("+++")) return "bg-green-950/60 text-green-200";
  if (line.startsWith("-") && !line.startsWith("---")) return "bg-red-950/60 text-red-200";
  if (line.startsWith("@@")) return "text-sky-300";
  return "text-slate-300";
}

export default async function TemplatePage({ params, searchParams }: Props) {
  const { name } = await params;
  const identity = await requirePagePermission("template:edit", `/admin/templates/${encodeURIComponent(name)}`);
  const [detail, impact, categories] = await pageData(
    Promise.all([getTemplateDetail(identity, { name }), getTemplateDeleteImpact(identity, { name }), listTemplateCategories(identity)]),
  );
  const pool = detail.method === "pool" && !detail.isBase ? await pageData(getPoolState(identity, { name })) : null;
  const query = await searchParams;
  const from = Number(query.from ?? Math.max(1, detail.version - 1));
  const to = Number(query.to ?? detail.version);
  const diff = detail.version > 1 || query.from ? await diffTemplateVersions(identity, { name, from, to }).catch((e: unknown) => (isAppError(e) ? e : Promise.reject(e))) : null;
  let fields: ReturnType<typeof describeParameters> = [];
  try {
    fields = describeParameters(toParameterSchema(detail.spec.parameters) as Record<string, unknown>);
  } catch {
    // A broken schema is shown in the validation error; the preview then has no fields.
  }
  return (
    <>
      <p className="text-sm">
        <Link href="/admin" className="text-brand-600 hover:underline dark:text-brand-100">
          Administration
        </Link>{" "}
        /{" "}
        <Link href="/admin/templates" className="text-brand-600 hover:underline dark:text-brand-100">
          Templates
        </Link>
      </p>
      <h1 className="mt-1 text-2xl font-semibold">
        {detail.displayName} <span className="text-base font-normal text-slate-600 dark:text-slate-400">{detail.name} · v{detail.version}</span>
      </h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        {detail.isBase ? "Base template (never launched)" : detail.method === "pool" ? "Warm pool" : "On demand"}
      </p>
      <TemplateActions impact={impact} />
      {detail.validationError && (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          This template is invalid and hidden from the catalog: {detail.validationError}
        </p>
      )}

      <nav aria-label="On this page" className="mt-4 text-sm">
        <ul className="flex flex-wrap gap-2">
          {[
            ["settings", "Settings"],
            ...(pool ? [["pool", "Pool"]] : []),
            ["spec", "Spec"],
            ["history", "History"],
            ["preview", "Preview"],
          ].map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`} className="inline-block rounded-md border border-slate-300 px-3 py-1 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <section aria-labelledby="settings" className="mt-8 scroll-mt-4">
        <h2 id="settings" className="text-lg font-semibold">
          Settings
        </h2>
        <p className="mt-1 mb-3 text-sm text-slate-600 dark:text-slate-400">
          How the template is listed, launched and reached. Saved in place, not versioned; a change that ends or removes something asks first.
        </p>
        <SettingsForm name={detail.name} isBase={detail.isBase} initial={detail.settings} defaultQuota={detail.defaultQuota} categories={categories} />
      </section>

      {pool && (
        <section aria-labelledby="pool" className="mt-12 scroll-mt-4">
          <h2 id="pool" className="text-lg font-semibold">
            Pool
          </h2>
          <p className="mt-1 mb-3 text-sm text-slate-600 dark:text-slate-400">
            Warm members as the worker keeps them, following changes as they happen. A new version replaces unclaimed members; claimed ones are never touched.
          </p>
          <PoolPanel name={detail.name} initial={pool} />
        </section>
      )}

      <section aria-labelledby="spec" className="mt-12 scroll-mt-4">
        <h2 id="spec" className="text-lg font-semibold">
          Spec
        </h2>
        <p className="mt-1 mb-3 text-sm text-slate-600 dark:text-slate-400">
          Saving validates everything and creates version {detail.version + 1}; running instances keep their version.
        </p>
        <SpecEditor name={detail.name} spec={detail.spec} />
      </section>

      <section aria-labelledby="history" className="mt-12 scroll-mt-4">
        <h2 id="history" className="text-lg font-semibold">
          History
        </h2>
        <DataTable columns={["Version", "When", "Who", "Message", "Checksum", <span key="actions" className="sr-only">Actions</span>]}>
          {detail.versions.map((v) => (
            <tr key={v.version} className="border-t border-slate-200 dark:border-slate-800">
              <td className="px-3 py-2 font-medium">v{v.version}</td>
              <td className="px-3 py-2">
                <time dateTime={v.createdAt.toISOString()}>{v.createdAt.toISOString().replace("T", " ").slice(0, 16)}</time>
              </td>
              <td className="px-3 py-2">{v.author}</td>
              <td className="px-3 py-2">{v.message}</td>
              <td className="px-3 py-2 font-mono text-xs" title={v.checksum}>{v.checksum.slice(0, 12)}</td>
              <td className="px-3 py-2">{v.version !== detail.version && <RollbackButton name={detail.name} version={v.version} />}</td>
            </tr>
          ))}
        </DataTable>
        {detail.versions.length > 1 && (
          <section aria-labelledby="diff" className="mt-6">
            <h3 id="diff" className="text-base font-semibold">
              Compare versions
            </h3>
            <form className="mt-3 flex flex-wrap items-end gap-3 text-sm">
              {(["from", "to"] as const).map((key) => (
                <label key={key} className="font-medium">
                  {key === "from" ? "From" : "To"}
                  <select name={key} defaultValue={String(key === "from" ? from : to)} className="ml-2 rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900">
                    {detail.versions.map((v) => (
                      <option key={v.version} value={v.version}>
                        v{v.version}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
              <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
                Compare
              </button>
            </form>
            {diff instanceof Error ? (
              <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-300">{diff.message}</p>
            ) : (
              diff && (
                <pre aria-label="Differences" className="mt-3 overflow-x-auto rounded-md bg-slate-900 p-4 text-xs">
                  {diff
                    .split("\n")
                    .slice(2)
                    .map((line, i) => (
                      <div key={i} className={diffLineClass(line)}>
                        {line || " "}
                      </div>
                    ))}
                </pre>
              )
            )}
          </section>
        )}
      </section>

      <section aria-labelledby="preview" className="mt-12 mb-16 scroll-mt-4">
        <h2 id="preview" className="text-lg font-semibold">
          Preview
        </h2>
        <p className="mt-1 mb-3 text-sm text-slate-600 dark:text-slate-400">Renders the final Helm values for you, without launching anything.</p>
        <PreviewForm name={detail.name} fields={fields} />
      </section>
    </>
  );
}
