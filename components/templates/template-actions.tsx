"use client";

import Link from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useId } from "react";
import { deleteTemplateAction } from "@/app/(staff)/admin/templates/actions";
import { LocalTime } from "@/components/student/local-time";
import { ConfirmButton } from "@/components/ui/dialog";
import type { ActionState } from "@/lib/auth/actions";
import type { DeleteResult } from "@/lib/services/templates/delete-template";
import type { DeleteImpact } from "@/lib/services/templates/get-delete-impact";

const linkButton = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * "Delete" with a confirmation in a native modal dialog that says what becomes of the template's
 * environments, and lets the admin choose: left to run until they expire, or ended now.
 */
function DeleteTemplate({ impact }: { impact: DeleteImpact }) {
  const router = useRouter();
  const formId = useId();
  const [state, action, pending] = useActionState<ActionState<DeleteResult>, FormData>(deleteTemplateAction, { ok: true });
  useEffect(() => {
    if (state.ok && state.result) router.push(`/admin/templates?done=deleted:${state.result.name}`);
  }, [state, router]);
  const blocked = impact.extendedBy.length > 0;
  return (
    <ConfirmButton
      label={pending ? "Deleting…" : "Delete"}
      pending={pending}
      title={`Delete ${impact.displayName}?`}
      confirm={blocked ? undefined : pending ? "Deleting…" : "Delete template"}
      disabled={pending}
      error={state.ok ? undefined : state.message}
      form={formId}
      keepOpen
    >
      <form
        id={formId}
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          startTransition(() => action(data));
        }}
        className="space-y-3"
      >
        <input type="hidden" name="name" value={impact.name} />
        {blocked ? (
          <p>
            It cannot be deleted while {impact.extendedBy.join(", ")} extend{impact.extendedBy.length === 1 ? "s" : ""} it: they would break. Delete those first, or
            make them extend another template.
          </p>
        ) : (
          <>
            <p>It leaves the catalog at once and can no longer be launched. You can restore it later from the Deleted list.</p>
            {impact.unclaimed > 0 && <p>Its {plural(impact.unclaimed, "warm pool member")} that nobody claimed {impact.unclaimed === 1 ? "is" : "are"} removed.</p>}
            {impact.live === 0 ? (
              <>
                <p>No environment of it is in use.</p>
                <input type="hidden" name="instances" value="keep" />
              </>
            ) : (
              <fieldset className="space-y-2">
                <legend className="font-medium text-slate-900 dark:text-slate-100">{plural(impact.live, "environment")} of it in use:</legend>
                <label className="flex gap-2">
                  <input type="radio" name="instances" value="keep" defaultChecked className="mt-1" />
                  <span>
                    Leave {impact.live === 1 ? "it" : "them"} running until {impact.live === 1 ? "it expires" : "they expire"}
                    {impact.lastExpiry && (
                      <>
                        {" "}
                        ({impact.live === 1 ? "at" : "the last at"} <LocalTime iso={impact.lastExpiry.toISOString()} now={impact.readAt.getTime()} />)
                      </>
                    )}
                    .
                    {impact.unlimited > 0 && ` ${plural(impact.unlimited, "environment")} ${impact.unlimited === 1 ? "has" : "have"} no time limit and will run until ${impact.unlimited === 1 ? "its owner ends it" : "their owners end them"}.`}
                  </span>
                </label>
                <label className="flex gap-2">
                  <input type="radio" name="instances" value="end" className="mt-1" />
                  <span>End {impact.live === 1 ? "it" : "them"} now: everything inside is lost, as if {impact.live === 1 ? "its owner" : "their owners"} had deleted {impact.live === 1 ? "it" : "them"}.</span>
                </label>
              </fieldset>
            )}
          </>
        )}
      </form>
    </ConfirmButton>
  );
}

/** The actions in a template page's header: export (two formats), duplicate, delete. */
export function TemplateActions({ impact }: { impact: DeleteImpact }) {
  const exportHref = (format: string) => `/admin/templates/${impact.name}/export?format=${format}`;
  return (
    <div className="mt-3 flex flex-wrap items-center gap-2" role="group" aria-label="Template actions">
      <a href={exportHref("envdeck")} download className={linkButton}>
        Export Envdeck YAML
      </a>
      <a href={exportHref("dploy")} download className={linkButton}>
        Export DployTemplate
      </a>
      <Link href={`/admin/templates/new?from=duplicate&source=${impact.name}`} className={linkButton}>
        Duplicate
      </Link>
      <DeleteTemplate impact={impact} />
    </div>
  );
}
