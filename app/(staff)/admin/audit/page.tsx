import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { AuditFilters } from "@/components/admin/audit-filters";
import { Notice } from "@/components/ui/notice";
import { DataTable } from "@/components/ui/table";
import { requirePagePermission } from "@/lib/auth/guards";
import { auditTrailHref, describeAction, describeObjectType, isAuditFiltered, type AuditEventView, type AuditFilter } from "@/lib/domain/audit-trail";
import { listAuditEvents } from "@/lib/services/audit/list-audit-events";

export const metadata: Metadata = { title: "Audit trail" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const cell = "px-3 py-2 align-top";
const link = "text-brand-700 hover:underline dark:text-brand-100";

/** A moment as the trail shows it: UTC to the second, the same for every reader and in the export. */
function utc(at: Date): string {
  return at.toISOString().replace("T", " ").slice(0, 19);
}

/** Before and after as indented JSON, cut where an entry is very large. */
function shown(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return text.length > 4000 ? `${text.slice(0, 4000)}\n…` : text;
}

function ActorCell({ event }: { event: AuditEventView }) {
  const note = event.actorId ? null : event.action.startsWith("signin.") ? "not signed in" : event.actorName === "system" ? "Envdeck itself" : null;
  return (
    <td className={`${cell} min-w-36`}>
      <Link href={auditTrailHref({ actor: event.actorName })} className={`wrap-anywhere ${link}`} title={`Entries of ${event.actorName}`}>
        {event.actorName}
      </Link>
      {note && <span className="block text-xs text-slate-600 dark:text-slate-400">{note}</span>}
    </td>
  );
}

function ObjectCell({ event }: { event: AuditEventView }) {
  return (
    <td className={`${cell} min-w-36`}>
      <span className="block text-xs text-slate-600 dark:text-slate-400">{describeObjectType(event.objectType)}</span>
      {event.objectId ? (
        <Link href={auditTrailHref({ objectType: event.objectType, objectId: event.objectId })} className={`font-mono text-xs wrap-anywhere ${link}`}>
          {event.objectId}
        </Link>
      ) : (
        <span className="text-slate-500 dark:text-slate-400">—</span>
      )}
    </td>
  );
}

function SourceCell({ event }: { event: AuditEventView }) {
  if (!event.sourceAddress && !event.userAgent) {
    return (
      <td className={`${cell} text-slate-500 dark:text-slate-400`}>
        —<span className="sr-only">no request: the portal acted on its own</span>
      </td>
    );
  }
  return (
    <td className={`${cell} min-w-44 max-w-64`}>
      <span className="block font-mono text-xs">{event.sourceAddress ?? "unknown address"}</span>
      {event.userAgent && (
        <span className="block truncate text-xs text-slate-600 dark:text-slate-400" title={event.userAgent}>
          {event.userAgent}
        </span>
      )}
    </td>
  );
}

function ChangesCell({ event }: { event: AuditEventView }) {
  const has = (value: unknown) => value !== null && value !== undefined;
  if (!has(event.before) && !has(event.after)) return <td className={cell} />;
  return (
    <td className={`${cell} min-w-40`}>
      <details>
        <summary className="cursor-pointer text-sm font-medium text-brand-700 dark:text-brand-100">
          {has(event.before) && has(event.after) ? "Before and after" : has(event.after) ? "Details" : "Before"}
          <span className="sr-only"> of entry {event.id}</span>
        </summary>
        {has(event.before) && (
          <>
            <p className="mt-2 text-xs font-semibold">Before</p>
            <pre className="mt-1 max-h-64 max-w-md overflow-auto rounded bg-slate-100 p-2 text-xs whitespace-pre-wrap wrap-anywhere dark:bg-slate-800">{shown(event.before)}</pre>
          </>
        )}
        {has(event.after) && (
          <>
            <p className="mt-2 text-xs font-semibold">After</p>
            <pre className="mt-1 max-h-64 max-w-md overflow-auto rounded bg-slate-100 p-2 text-xs whitespace-pre-wrap wrap-anywhere dark:bg-slate-800">{shown(event.after)}</pre>
          </>
        )}
      </details>
    </td>
  );
}

function Pager({ filter, page, pageCount }: { filter: AuditFilter; page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  const button = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";
  return (
    <nav aria-label="Pages of the audit trail" className="mt-4 flex flex-wrap items-center gap-3 text-sm">
      {page > 1 && (
        <Link href={auditTrailHref(filter, page - 1)} className={button} rel="prev">
          Newer
        </Link>
      )}
      <span>
        Page {page} of {pageCount}
      </span>
      {page < pageCount && (
        <Link href={auditTrailHref(filter, page + 1)} className={button} rel="next">
          Older
        </Link>
      )}
    </nav>
  );
}

export default async function AuditPage({ searchParams }: Props) {
  const identity = await requirePagePermission("audit:view", "/admin/audit");
  const trail = await listAuditEvents(identity, { searchParams: await searchParams });
  const { filter, errors, events, page, pageCount, total } = trail;
  const filtered = isAuditFiltered(filter);
  const first = (page - 1) * trail.pageSize + 1;
  return (
    <>
      <p className="text-sm">
        <Link href="/admin" className="text-brand-600 hover:underline dark:text-brand-100">
          Administration
        </Link>{" "}
        / Audit trail
      </p>
      <div className="mt-1 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Audit trail</h1>
        {!errors && total > 0 && (
          <a href={auditTrailHref(filter, 1, "/admin/audit/export")} download className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            Export CSV<span className="sr-only"> of the {filtered ? "filtered" : "whole"} trail</span>
          </a>
        )}
      </div>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
        Who did what, to what, when and from where: sign-ins, launches, extensions and ends, every change to templates, settings, accounts
        and API tokens. Entries older than {trail.retentionDays} days are deleted.
      </p>
      <AuditFilters filter={filter} errors={errors} />

      {errors ? (
        <Notice tone="danger" className="mt-6">
          {[errors.page?.join(" "), Object.keys(errors).some((field) => field !== "page") && "Correct the highlighted filters to see the trail."].filter(Boolean).join(" ")}
          {errors.page && (
            <>
              {" "}
              <Link href={auditTrailHref(filter)} className="font-medium underline">
                Go to page 1
              </Link>
            </>
          )}
        </Notice>
      ) : total === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          {filtered ? (
            <>
              No entry matches these filters.{" "}
              <Link href="/admin/audit" className="font-medium text-brand-700 underline dark:text-brand-100">
                Clear the filters
              </Link>
            </>
          ) : (
            "Nothing has been recorded yet."
          )}
        </p>
      ) : events.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          Page {page} is past the last one ({pageCount}).{" "}
          <Link href={auditTrailHref(filter, pageCount)} className="font-medium text-brand-700 underline dark:text-brand-100">
            Go to the last page
          </Link>
        </p>
      ) : (
        <>
          <p className="mt-4 text-sm text-slate-600 dark:text-slate-300" role="status">
            {trail.moreThanTotal ? `More than ${total.toLocaleString("en")} entries match: narrow the filters to reach older ones.` : `${total.toLocaleString("en")} entr${total === 1 ? "y" : "ies"}`}
            {pageCount > 1 && `, ${first.toLocaleString("en")}–${(first + events.length - 1).toLocaleString("en")} shown`}, newest first
          </p>
          <DataTable columns={["What and when (UTC)", "Actor", "Object", "From", "Changes"]}>
            {events.map((event) => (
              <tr key={event.id} className="border-t border-slate-200 dark:border-slate-800">
                {/* What happened and when, first: a phone shows it without scrolling the table sideways. */}
                <td className={`${cell} min-w-44`}>
                  <Link href={auditTrailHref({ action: event.action })} className={`font-medium ${link}`}>
                    {describeAction(event.action)}
                  </Link>
                  <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">{event.action}</span>
                  <time dateTime={event.at.toISOString()} className="mt-1 block font-mono text-xs whitespace-nowrap">
                    {utc(event.at)}
                  </time>
                </td>
                <ActorCell event={event} />
                <ObjectCell event={event} />
                <SourceCell event={event} />
                <ChangesCell event={event} />
              </tr>
            ))}
          </DataTable>
          <Pager filter={filter} page={page} pageCount={pageCount} />
        </>
      )}
    </>
  );
}
