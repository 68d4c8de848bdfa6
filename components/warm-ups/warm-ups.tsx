"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, useSyncExternalStore, useTransition, type FormEvent } from "react";
import { bookWarmUpAction, cancelWarmUpAction, updateWarmUpAction } from "@/app/(staff)/teach/warm-ups/actions";
import { ConfirmButton } from "@/components/ui/dialog";
import { useHydrated } from "@/components/student/use-hydrated";
import { useNow } from "@/components/student/use-now";
import { errorsFor, Field, FormMessage, inputClass } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import { warmUpsQuery, type WarmUpJson } from "@/lib/client/queries";
import { formatLocalDateTime, formatSpan, MAX_WARM_UP_SIZE, wallClockAt } from "@/lib/domain/warm-ups";

export interface BookableTemplate {
  name: string;
  displayName: string;
  poolSize: number;
  poolMaxSize: number;
}

export interface BookableClass {
  slug: string;
  title: string;
  rosterSize: number;
}

type Scope = { slug: string } | "mine";

const buttonClass = "rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60";
const plainButton = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";

const noSubscription = () => () => undefined;

/** The zone the browser is in ("Europe/Paris"); UTC in the server's HTML, which cannot know it. */
function useBrowserZone(): string {
  return useSyncExternalStore(
    noSubscription,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    () => "UTC",
  );
}

/** A time of day in a zone, 24-hour ("08:55"), the same on the server and in the browser. */
function timeIn(iso: string, zone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

/** An instant as wall-clock text in a zone ("2027-01-11T09:00"). */
function localText(iso: string, zone: string): string {
  return formatLocalDateTime(wallClockAt(new Date(iso), zone));
}

/** "Mon 11 Jan, 09:00–10:30" from local wall-clock text. */
function describeWhen(startsAt: string, endsAt: string): string {
  const [date, from] = startsAt.split("T");
  const [endDate, to] = endsAt.split("T");
  const day = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
  return `${day}, ${from}–${to}${endDate !== date ? " (next day)" : ""}`;
}

/** A localised wall-clock start an hour from now, on the hour, as the start field takes it. */
function suggestedStart(): { startsAt: string; endsAt: string } {
  const at = new Date(Date.now() + 2 * 3600_000);
  at.setMinutes(0, 0, 0);
  const text = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}T${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return { startsAt: text(at), endsAt: text(new Date(at.getTime() + 90 * 60_000)) };
}

/** The booking's state as a badge and a line of words. */
function StateLine({ warmUp, now }: { warmUp: WarmUpJson; now: number }) {
  const state = warmUp.state;
  const badge = "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold";
  switch (state.kind) {
    case "scheduled":
      return (
        <p className="text-sm">
          <span className={`${badge} bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200`}>Scheduled</span>{" "}
          <span className="text-slate-700 dark:text-slate-300">
            starts in {formatSpan(Date.parse(state.startsAt) - now)}; warming from {timeIn(state.warmsAt, warmUp.timeZone)}
          </span>
        </p>
      );
    case "warming":
      return (
        <div className="text-sm">
          <p>
            <span className={`${badge} bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200`}>Warming</span>{" "}
            <span className="font-medium tabular-nums">
              {state.ready}/{state.size}
            </span>{" "}
            <span className="text-slate-700 dark:text-slate-300">ready · starts in {formatSpan(Date.parse(state.startsAt) - now)}</span>
          </p>
          <div className="mt-2 h-2 w-full max-w-xs overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800" role="progressbar" aria-label="Environments ready" aria-valuemin={0} aria-valuemax={state.size} aria-valuenow={state.ready}>
            <div className="h-full bg-amber-500 dark:bg-amber-400" style={{ width: `${Math.round((100 * state.ready) / Math.max(1, state.size))}%` }} />
          </div>
        </div>
      );
    case "ready":
      return (
        <p className="text-sm">
          <span className={`${badge} bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-200`}>Ready</span>{" "}
          <span className="font-medium tabular-nums">
            {state.ready}/{state.size}
          </span>
          {state.readySince && <span className="text-slate-700 dark:text-slate-300"> at {timeIn(state.readySince, warmUp.timeZone)}</span>}
          <span className="text-slate-700 dark:text-slate-300"> · starts in {formatSpan(Date.parse(state.startsAt) - now)}</span>
        </p>
      );
    case "in-class":
      return (
        <p className="text-sm">
          <span className={`${badge} bg-brand-100 text-brand-700 dark:bg-brand-700 dark:text-white`}>In class</span>{" "}
          <span className="font-medium tabular-nums">{state.claimed} claimed</span>
          <span className="text-slate-700 dark:text-slate-300">
            {" "}
            · {state.ready} still warm · ends in {formatSpan(Date.parse(state.endsAt) - now)}
          </span>
        </p>
      );
    case "over":
      return (
        <p className="text-sm">
          <span className={`${badge} bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-400`}>Over</span>
        </p>
      );
    case "cancelled":
      return (
        <p className="text-sm">
          <span className={`${badge} bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200`}>Cancelled</span>
        </p>
      );
  }
}

/** The fields a booking and a change share: size, start, end and the weekly repeat. */
function TimingFields({
  state,
  defaults,
  rosterSize,
  zone,
  timesFixed = false,
}: {
  state: ActionState<unknown>;
  /** Times to start from; none: a suggestion a couple of hours ahead (mount only in the browser, which knows the time). */
  defaults?: { size?: number; startsAt: string; endsAt: string; weeklyUntil: string | null };
  rosterSize?: number;
  zone: string;
  /** A weekly warm-up whose first class has passed: its times stay as booked, its size and last date change. */
  timesFixed?: boolean;
}) {
  const [initial] = useState(() => defaults ?? { ...suggestedStart(), size: undefined, weeklyUntil: null });
  const [weekly, setWeekly] = useState(initial.weeklyUntil !== null);
  const [startsAt, setStartsAt] = useState(initial.startsAt);
  const [endsAt, setEndsAt] = useState(initial.endsAt);
  const field = (name: string) => errorsFor(state.fieldErrors, name);
  const untilId = useId();
  return (
    <>
      <div className="grid gap-4">
        <Field
          label="Starts"
          help={timesFixed ? "This weekly warm-up has begun: its times stay as booked. Cancel it and book a new one to change them." : `Your time zone: ${zone}`}
          errors={field("startsAt")}
        >
          <input
            type="datetime-local"
            name="startsAt"
            required
            readOnly={timesFixed}
            value={startsAt}
            onChange={(e) => {
              const value = e.target.value;
              // Keep the length when the start moves, so the end follows it.
              const length = Date.parse(`${endsAt}:00Z`) - Date.parse(`${startsAt}:00Z`);
              setStartsAt(value);
              if (value && Number.isFinite(length) && length > 0) setEndsAt(new Date(Date.parse(`${value}:00Z`) + length).toISOString().slice(0, 16));
            }}
            className={`${inputClass} read-only:bg-slate-100 read-only:text-slate-600 dark:read-only:bg-slate-800 dark:read-only:text-slate-300`}
            aria-invalid={field("startsAt") ? true : undefined}
          />
        </Field>
        <Field label="Ends" errors={field("endsAt")}>
          <input type="datetime-local" name="endsAt" required readOnly={timesFixed} value={endsAt} onChange={(e) => setEndsAt(e.target.value)} className={`${inputClass} read-only:bg-slate-100 read-only:text-slate-600 dark:read-only:bg-slate-800 dark:read-only:text-slate-300`} aria-invalid={field("endsAt") ? true : undefined} />
        </Field>
      </div>
      <Field
        label="Environments"
        help={rosterSize === undefined ? `1 to ${MAX_WARM_UP_SIZE}.` : `Leave empty for the roster (${rosterSize} student${rosterSize === 1 ? "" : "s"}); 1 to ${MAX_WARM_UP_SIZE}.`}
        errors={field("size")}
      >
        <input
          type="number"
          name="size"
          min={1}
          max={MAX_WARM_UP_SIZE}
          inputMode="numeric"
          defaultValue={initial.size}
          placeholder={rosterSize === undefined ? undefined : String(rosterSize)}
          className={`${inputClass} sm:max-w-40`}
          aria-invalid={field("size") ? true : undefined}
        />
      </Field>
      <div className="space-y-2">
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" name="weekly" checked={weekly} onChange={(e) => setWeekly(e.target.checked)} className="h-4 w-4 rounded border-slate-300 dark:border-slate-600" />
          Every week, same day and times
        </label>
        {weekly && (
          <div className="sm:max-w-60">
            <Field label="Last date" help="The same local time each week, daylight-saving changes included." errors={field("weeklyUntil")}>
              <input id={untilId} type="date" name="weeklyUntil" required defaultValue={initial.weeklyUntil ?? ""} className={inputClass} aria-invalid={field("weeklyUntil") ? true : undefined} />
            </Field>
          </div>
        )}
      </div>
      <input type="hidden" name="timeZone" value={zone} />
    </>
  );
}

/** The booking form: a class (when not on a class's page), a template, the times and the size. */
function BookForm({ scope, templates, classes, onBooked }: { scope: Scope; templates: BookableTemplate[]; classes: BookableClass[]; onBooked: () => void }) {
  const zone = useBrowserZone();
  const [state, setState] = useState<ActionState<unknown>>({ ok: false });
  const [pending, start] = useTransition();
  const [slug, setSlug] = useState(scope === "mine" ? (classes[0]?.slug ?? "") : scope.slug);
  // Kept across bookings: a teacher booking the weeks of a term books the same template again.
  const [template, setTemplate] = useState(templates[0]?.name ?? "");
  const [formKey, setFormKey] = useState(0);
  const hydrated = useHydrated();
  const field = (name: string) => errorsFor(state.fieldErrors, name);
  const rosterSize = classes.find((c) => c.slug === slug)?.rosterSize;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    start(async () => {
      const result = await bookWarmUpAction({ ok: false }, data);
      setState(result.ok ? { ok: true, message: "Warm-up booked." } : result);
      if (result.ok) {
        setFormKey((k) => k + 1);
        onBooked();
      }
    });
  }

  if (templates.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-700 dark:border-slate-700 dark:text-slate-300">
        No template can be warmed up yet: warm-ups need a template launched from a warm pool. Ask an admin to make one a pool template.
      </p>
    );
  }
  return (
    <form key={formKey} onSubmit={onSubmit} noValidate aria-label="Book a warm-up" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <h2 className="text-lg font-semibold">Book a warm-up</h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">Environments are started before class, so students who press Launch get one at once.</p>
      {scope === "mine" ? (
        <Field label="Class" errors={field("slug")}>
          <select name="slug" value={slug} onChange={(e) => setSlug(e.target.value)} disabled={!hydrated} className={inputClass}>
            {classes.map((c) => (
              <option key={c.slug} value={c.slug}>
                {c.title}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <input type="hidden" name="slug" value={scope.slug} />
      )}
      <Field label="Template" errors={field("template")}>
        {/* Disabled until React runs: hydration would put a choice made before it back to the first template. */}
        <select name="template" value={template} onChange={(e) => setTemplate(e.target.value)} disabled={!hydrated} className={inputClass} aria-invalid={field("template") ? true : undefined}>
          {templates.map((t) => (
            <option key={t.name} value={t.name}>
              {t.displayName}
              {t.poolMaxSize > 0 ? ` (at most ${t.poolMaxSize} at once)` : ""}
            </option>
          ))}
        </select>
      </Field>
      {hydrated ? <TimingFields state={state} rosterSize={rosterSize} zone={zone} /> : <div className="h-48" aria-hidden="true" />}
      <FormMessage ok={state.ok} message={state.message} />
      <button type="submit" disabled={pending || (scope === "mine" && !slug)} className={buttonClass}>
        {pending ? "Booking…" : "Book warm-up"}
      </button>
    </form>
  );
}

/** One booking: what, when, its state, and (until it runs) change and cancel. */
function WarmUpCard({ warmUp, now, showClass, onChanged }: { warmUp: WarmUpJson; now: number; showClass: boolean; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [state, setState] = useState<ActionState<unknown>>({ ok: false });
  const [pending, start] = useTransition();
  const live = warmUp.state.kind === "scheduled" || warmUp.state.kind === "warming" || warmUp.state.kind === "ready";
  const headingId = useId();

  function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    start(async () => {
      const result = await updateWarmUpAction({ ok: false }, data);
      setState(result);
      if (result.ok) {
        setEditing(false);
        onChanged();
      }
    });
  }
  function onCancel() {
    start(async () => {
      const result = await cancelWarmUpAction({ ok: false }, (() => {
        const data = new FormData();
        data.set("id", warmUp.id);
        return data;
      })());
      setState(result.ok ? { ok: true } : result);
      onChanged();
    });
  }
  const muted = warmUp.state.kind === "over" || warmUp.state.kind === "cancelled";
  return (
    <li aria-labelledby={headingId} className={`rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900 ${muted ? "opacity-75" : ""}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <h3 id={headingId} className="font-semibold wrap-anywhere">
            {warmUp.size} × {warmUp.template.displayName}
            {showClass && <span className="font-normal text-slate-600 dark:text-slate-400"> for {warmUp.class.title}</span>}
          </h3>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            {describeWhen(warmUp.localStartsAt, warmUp.localEndsAt)} <span className="text-slate-500 dark:text-slate-400">({warmUp.timeZone})</span>
            {warmUp.weeklyUntil && <span> · weekly until {warmUp.weeklyUntil}</span>}
          </p>
          {warmUp.next && warmUp.weeklyUntil && (
            <p className="text-xs text-slate-600 dark:text-slate-400">Next: {describeWhen(localText(warmUp.next.startsAt, warmUp.timeZone), localText(warmUp.next.endsAt, warmUp.timeZone))}</p>
          )}
          <StateLine warmUp={warmUp} now={now} />
        </div>
        {live && !editing && (
          <div className="flex flex-wrap gap-2">
            <button type="button" className={plainButton} onClick={() => setEditing(true)} disabled={pending}>
              Change
            </button>
            <ConfirmButton label="Cancel warm-up" title="Cancel this warm-up?" confirm="Cancel warm-up" pending={pending} onConfirm={onCancel}>
              <p>
                {warmUp.size} warm environments of {warmUp.template.displayName} for {warmUp.class.title} will not be prepared
                {warmUp.weeklyUntil ? ", in any week" : ""}. Environments students already have stay theirs.
              </p>
            </ConfirmButton>
          </div>
        )}
      </div>
      {!editing && <FormMessage ok={false} message={state.ok ? undefined : state.message} />}
      {editing && (
        <form onSubmit={onSave} noValidate aria-label="Change the warm-up" className="mt-4 space-y-4 border-t border-slate-200 pt-4 dark:border-slate-800">
          <input type="hidden" name="id" value={warmUp.id} />
          <TimingFields
            state={state}
            defaults={{ size: warmUp.size, startsAt: warmUp.localStartsAt, endsAt: warmUp.localEndsAt, weeklyUntil: warmUp.weeklyUntil }}
            zone={warmUp.timeZone}
            timesFixed={Date.parse(warmUp.startsAt) <= now}
          />
          <FormMessage ok={false} message={state.ok ? undefined : state.message} />
          <div className="flex flex-wrap gap-2">
            <button type="submit" className={buttonClass} disabled={pending}>
              {pending ? "Saving…" : "Save"}
            </button>
            <button
              type="button"
              className={plainButton}
              onClick={() => {
                setEditing(false);
                setState({ ok: false });
              }}
            >
              Keep as it was
            </button>
          </div>
        </form>
      )}
    </li>
  );
}

/**
 * The warm-ups of a class, or of every class the caller teaches: the booking form and the bookings with their
 * live state, polled while the page is open.
 */
export function WarmUpBoard({
  scope,
  initial,
  serverNow,
  templates,
  classes,
  canBook,
}: {
  scope: Scope;
  initial: WarmUpJson[];
  serverNow: string;
  templates: BookableTemplate[];
  classes: BookableClass[];
  canBook: boolean;
}) {
  const query = useQuery({ ...warmUpsQuery(scope), initialData: { warmUps: initial }, initialDataUpdatedAt: Date.parse(serverNow) });
  const queryClient = useQueryClient();
  const now = useNow(Date.parse(serverNow), 5000);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["warm-ups"] });
  const warmUps = query.data.warmUps;
  const upcoming = warmUps.filter((w) => w.state.kind !== "over" && w.state.kind !== "cancelled");
  const past = warmUps.filter((w) => w.state.kind === "over" || w.state.kind === "cancelled");
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)] lg:items-start">
      {canBook ? (
        <BookForm scope={scope} templates={templates} classes={classes} onBooked={refresh} />
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">This class is archived: bring it back to book warm-ups.</p>
      )}
      {/* On a phone the bookings come first: during class the teacher looks at their state, not at the form. */}
      <section aria-labelledby="warm-ups-heading" className="order-first min-w-0 lg:order-none">
        <h2 id="warm-ups-heading" className="text-lg font-semibold">
          Coming up
        </h2>
        {query.isError && (
          <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
            Could not refresh the warm-ups: {query.error.message}
          </p>
        )}
        {upcoming.length === 0 ? (
          <p className="mt-2 rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
            No warm-up is booked. Book one for the start of a class, and the environments will be ready when students arrive.
          </p>
        ) : (
          <ul className="mt-2 space-y-3" aria-live="polite">
            {upcoming.map((w) => (
              <WarmUpCard key={w.id} warmUp={w} now={now} showClass={scope === "mine"} onChanged={refresh} />
            ))}
          </ul>
        )}
        {past.length > 0 && (
          <details className="mt-6">
            <summary className="cursor-pointer text-sm font-medium text-slate-700 dark:text-slate-300">Over and cancelled ({past.length})</summary>
            <ul className="mt-2 space-y-3">
              {past.map((w) => (
                <WarmUpCard key={w.id} warmUp={w} now={now} showClass={scope === "mine"} onChanged={refresh} />
              ))}
            </ul>
          </details>
        )}
      </section>
    </div>
  );
}
