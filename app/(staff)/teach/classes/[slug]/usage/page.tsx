import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { cell, link, number, usageHref, UsageRangeForm, UsageTable, UsageTotals } from "@/components/classes/usage-report";
import { Notice } from "@/components/ui/notice";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import { isAppError } from "@/lib/domain/errors";
import { addDays, dateIn, formatDuration, formatWait, parseUsageSort, sortUsageRows, USAGE_DEFAULT_DAYS, type SortDirection, type UsageSort } from "@/lib/domain/usage";
import { getClassUsage, type ClassUsage } from "@/lib/services/usage/get-class-usage";
import { getOwnerUsage, type OwnerEnvironment, type OwnerUsageDetail } from "@/lib/services/usage/get-owner-usage";

export const metadata: Metadata = { title: "Usage" };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The report, or the problems of its range by parameter (shown beside the fields); other errors go to the error pages. */
async function load<T>(work: Promise<T>): Promise<{ value: T; errors: null } | { value: null; errors: Record<string, string[]> }> {
  return pageData(
    work.then(
      (value) => ({ value, errors: null }),
      (error: unknown) => {
        if (isAppError(error) && error.code === "INVALID_INPUT") return { value: null, errors: error.fields ?? {} };
        throw error;
      },
    ),
  );
}

const OUTCOMES: Record<OwnerEnvironment["outcome"], { label: string; className: string }> = {
  running: { label: "Running", className: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200" },
  ended: { label: "Ended", className: "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200" },
  failed: { label: "Failed", className: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200" },
  returned: { label: "Back in the warm pool", className: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100" },
};

function Moment({ at, timeZone }: { at: Date; timeZone: string }) {
  const text = new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  return (
    <time dateTime={at.toISOString()} className="whitespace-nowrap">
      {text}
    </time>
  );
}

/** One student's (or group's) environments in the range, newest first. */
function OwnerDetail({ detail, back }: { detail: OwnerUsageDetail; back: string }) {
  const { owner, range, figures } = detail;
  const who = owner.kind === "group" ? `The group ${owner.displayName ?? owner.name}` : (owner.displayName ?? owner.name);
  return (
    <section aria-labelledby="owner-heading" className="mt-6 rounded-lg border border-brand-100 bg-brand-50/40 p-4 dark:border-slate-700 dark:bg-slate-900/60">
      <p className="text-sm">
        <Link href={back} className={link}>
          ← Whole class
        </Link>
      </p>
      <h2 id="owner-heading" className="mt-2 text-lg font-semibold wrap-anywhere">
        {who}
        {owner.displayName && owner.kind === "student" && <span className="ml-2 text-base font-normal text-slate-600 dark:text-slate-400">{owner.name}</span>}
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        {formatDuration(figures.timeUsedMs)} used, {figures.launches} launch{figures.launches === 1 ? "" : "es"}, {figures.failures} failure{figures.failures === 1 ? "" : "s"}, median
        time to ready {formatWait(figures.medianMsToReady)}.
      </p>
      {detail.environments.length === 0 ? (
        <p className="mt-4 rounded-lg border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">No environment in this range.</p>
      ) : (
        <div data-scrolls className="relative mt-3 overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Environments of {who} in the range, newest first</caption>
            <thead className="bg-slate-100 text-slate-600 dark:bg-slate-900 dark:text-slate-400">
              <tr>
                <th scope="col" className={`${cell} whitespace-nowrap`}>
                  Environment
                </th>
                <th scope="col" className={`${cell} whitespace-nowrap`}>
                  Start
                </th>
                <th scope="col" className={`${cell} whitespace-nowrap`}>
                  End
                </th>
                <th scope="col" className={`${cell} text-right whitespace-nowrap`}>
                  In range
                </th>
                <th scope="col" className={`${cell} text-right whitespace-nowrap`}>
                  Ready after
                </th>
                <th scope="col" className={`${cell} whitespace-nowrap`}>
                  Outcome
                </th>
              </tr>
            </thead>
            <tbody>
              {detail.environments.map((env) => (
                <tr key={`${env.uuid}-${env.start.toISOString()}`} className="border-t border-slate-200 dark:border-slate-800">
                  <th scope="row" className={`${cell} min-w-36 font-normal`}>
                    <span className="block font-medium">{env.template.displayName}</span>
                    <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">
                      {env.uuid}
                      {env.claimed && " · claimed warm"}
                    </span>
                  </th>
                  <td className={cell}>
                    <Moment at={env.start} timeZone={range.timeZone} />
                  </td>
                  <td className={cell}>{env.end ? <Moment at={env.end} timeZone={range.timeZone} /> : <span className="text-slate-600 dark:text-slate-400">still running</span>}</td>
                  <td className={number}>{formatDuration(env.timeUsedMs)}</td>
                  <td className={number}>{env.readyAt ? formatWait(env.readyAt.getTime() - env.start.getTime()) : "–"}</td>
                  <td className={cell}>
                    <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium whitespace-nowrap ${OUTCOMES[env.outcome].className}`}>{OUTCOMES[env.outcome].label}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {detail.truncated && <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">Only the newest {detail.environments.length} are listed; the figures count them all.</p>}
    </section>
  );
}

function ClassReport({ report, sort, dir, sortHref, ownerHref }: { report: ClassUsage; sort: UsageSort; dir: SortDirection; sortHref: (sort: UsageSort, dir: SortDirection) => string; ownerHref: (name: string) => string }) {
  const students = report.owners.filter((o) => o.kind === "student");
  const groups = report.owners.filter((o) => o.kind === "group");
  if (report.templates.length === 0) {
    return (
      <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
        This class has no catalog yet. A report counts the templates of the class&apos;s catalogs.
      </p>
    );
  }
  const used = report.total.timeUsedMs > 0 || report.total.launches > 0;
  const ownerRows = (owners: ClassUsage["owners"]) =>
    sortUsageRows(owners, sort, dir).map((owner) => ({
      ...owner,
      key: `${owner.kind}:${owner.name}`,
      label: (
        <>
          <Link href={ownerHref(owner.name)} scroll={false} className={`font-medium wrap-anywhere ${link}`}>
            {owner.displayName ?? owner.name}
          </Link>
          {owner.displayName && <span className="block text-xs text-slate-600 dark:text-slate-400">{owner.name}</span>}
          {owner.templates.length > 1 && (
            <ul aria-label="By template" className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
              {owner.templates.map((t) => (
                <li key={t.name} className="whitespace-nowrap">
                  {t.displayName}: {formatDuration(t.timeUsedMs)}
                </li>
              ))}
            </ul>
          )}
        </>
      ),
    }));
  return (
    <>
      <section aria-labelledby="totals-heading" className="mt-8">
        <h2 id="totals-heading" className="text-lg font-semibold">
          Whole class
        </h2>
        <div className="mt-3">
          <UsageTotals total={report.total} />
        </div>
      </section>
      {!used && (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          Nobody in this class used an environment of its catalogs in this range. Pick other days above.
        </p>
      )}
      <section aria-labelledby="students-heading" className="mt-8">
        <h2 id="students-heading" className="text-lg font-semibold">
          Students <span className="text-base font-normal text-slate-600 tabular-nums dark:text-slate-400">({students.length})</span>
        </h2>
        {students.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">The class has no members yet (Roster).</p>
        ) : (
          <UsageTable caption="Usage by student" nameLabel="Student" rows={ownerRows(students)} sort={sort} dir={dir} href={sortHref} />
        )}
      </section>
      {groups.length > 0 && (
        <section aria-labelledby="groups-heading" className="mt-8">
          <h2 id="groups-heading" className="text-lg font-semibold">
            Groups
          </h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Environments of templates owned by a group are shared by its members: they count here, under the group, and under no student.</p>
          <UsageTable caption="Usage by group" nameLabel="Group" rows={ownerRows(groups)} sort={sort} dir={dir} href={sortHref} />
        </section>
      )}
      <section aria-labelledby="templates-heading" className="mt-8">
        <h2 id="templates-heading" className="text-lg font-semibold">
          Templates
        </h2>
        <UsageTable
          caption="Usage by template"
          nameLabel="Template"
          rows={sortUsageRows(
            report.templates.map((t) => ({ ...t, name: t.displayName })),
            sort,
            dir,
          ).map((t) => ({ ...t, key: t.displayName, label: <span className="font-medium">{t.displayName}</span> }))}
          sort={sort}
          dir={dir}
          href={sortHref}
        />
      </section>
    </>
  );
}

export default async function UsagePage({ params, searchParams }: Props) {
  const { slug } = await params;
  const search = await searchParams;
  const base = `/teach/classes/${slug}/usage`;
  const identity = await requirePagePermission("teach:view", base);
  const query = { from: one(search.from), to: one(search.to), tz: one(search.tz) };
  const student = one(search.student);
  const { sort, dir } = parseUsageSort(one(search.sort), one(search.dir));
  const [report, detail] = await Promise.all([
    load(getClassUsage(identity, { slug, query })),
    // Someone the report does not cover is said beside the report, not as a missing page.
    student ? load(getOwnerUsage(identity, { slug, name: student, query }).catch((error: unknown) => (isAppError(error) && error.code === "NOT_FOUND" ? null : Promise.reject(error)))) : Promise.resolve(null),
  ]);

  const range = report.value?.range;
  const kept = { from: query.from, to: query.to, tz: query.tz };
  const page = { ...kept, sort: one(search.sort), dir: one(search.dir), student };
  const today = dateIn(new Date(), range?.timeZone ?? "UTC");
  const csvHref = usageHref(`/api/v1/classes/${slug}/usage`, { from: range?.fromDate, to: range?.toDate, tz: range?.timeZone, format: "csv" });

  return (
    <div>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-300">
          Environment time each student used, from a launch until it ended, failed or went back to the warm pool. A claimed warm environment counts from
          its claim and is ready at once (0 s); time it waited in the pool counts for nobody. Failures are launches that failed before they were ready.
        </p>
        {report.value && (
          <a href={csvHref} download className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium whitespace-nowrap hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
            Download CSV<span className="sr-only"> of this report</span>
          </a>
        )}
      </div>
      <div className="mt-4">
        <UsageRangeForm
          action={base}
          from={range?.fromDate ?? query.from ?? addDays(today, -(USAGE_DEFAULT_DAYS - 1))}
          to={range?.toDate ?? query.to ?? today}
          timeZone={range?.timeZone ?? "UTC"}
          zoneGiven={query.tz !== undefined}
          errors={report.errors}
          keep={{ sort: one(search.sort), dir: one(search.dir), student }}
        />
      </div>
      {report.errors ? (
        <Notice tone="danger" className="mt-6">
          Correct the range to see the report.
        </Notice>
      ) : (
        <>
          {detail?.value && <OwnerDetail detail={detail.value} back={usageHref(base, page, { student: null })} />}
          {detail && !detail.errors && !detail.value && (
            <Notice tone="warning" className="mt-6">
              Nobody by that name is in this class&apos;s report.{" "}
              <Link href={usageHref(base, page, { student: null })} className="font-medium underline">
                Show the whole class
              </Link>
            </Notice>
          )}
          <ClassReport
            report={report.value}
            sort={sort}
            dir={dir}
            sortHref={(s, d) => usageHref(base, page, { sort: s, dir: d })}
            ownerHref={(name) => usageHref(base, page, { student: name })}
          />
        </>
      )}
    </div>
  );
}
