import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { ImportForm } from "@/components/templates/import-form";
import { DuplicateForm, StarterForm } from "@/components/templates/new-template-forms";
import { requirePagePermission } from "@/lib/auth/guards";
import { listTemplates } from "@/lib/services/templates/list-templates";
import { STARTERS } from "@/lib/templates/starters";

export const metadata: Metadata = { title: "New template" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const MODES = [
  { id: "starter", label: "From a starter" },
  { id: "duplicate", label: "Duplicate" },
  { id: "import", label: "Import" },
] as const;

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

export default async function NewTemplatePage({ searchParams }: Props) {
  const identity = await requirePagePermission("template:edit", "/admin/templates/new");
  const params = await searchParams;
  const mode = MODES.find((m) => m.id === first(params.from))?.id ?? "starter";
  const templates = mode === "duplicate" ? (await listTemplates(identity, { searchParams: {} })).rows.map(({ name, displayName }) => ({ name, displayName })) : [];
  return (
    <>
      <p className="text-sm">
        <Link href="/admin" className="text-brand-600 hover:underline dark:text-brand-100">
          Administration
        </Link>{" "}
        /{" "}
        <Link href="/admin/templates" className="text-brand-600 hover:underline dark:text-brand-100">
          Templates
        </Link>{" "}
        / New
      </p>
      <h1 className="mt-1 text-2xl font-semibold">New template</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
        Every new template is validated in full, as every later change is, and becomes its version 1.
      </p>
      <nav aria-label="Ways to create a template" className="mt-6 flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-800">
        {MODES.map((m) => (
          <Link
            key={m.id}
            href={`/admin/templates/new?from=${m.id}`}
            aria-current={m.id === mode ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${m.id === mode ? "border-brand-600 text-brand-700 dark:border-brand-100 dark:text-brand-100" : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"}`}
          >
            {m.label}
          </Link>
        ))}
      </nav>
      <div className="mt-6 mb-16">
        {mode === "starter" && <StarterForm starters={STARTERS.map(({ id, title, summary }) => ({ id, title, summary }))} initial={first(params.starter)} />}
        {mode === "duplicate" && <DuplicateForm templates={templates} initial={first(params.source)} />}
        {mode === "import" && <ImportForm />}
      </div>
    </>
  );
}
