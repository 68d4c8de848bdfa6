"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState, useTransition, type DragEvent, type KeyboardEvent } from "react";
import { previewCatalogAction, saveCatalogAction } from "@/app/(staff)/teach/catalogs/actions";
import { errorsFor, Field, FormMessage, inputClass } from "@/components/ui/form";
import { Notice } from "@/components/ui/notice";
import { foldText } from "@/lib/domain/catalog";
import { MAX_CATALOG_DESCRIPTION, MAX_CATALOG_ITEMS, MAX_CATALOG_NOTE, MAX_CATALOG_SLUG, MAX_CATALOG_TITLE, moveItem, slugFromTitle } from "@/lib/domain/catalog-rules";
import type { CatalogView } from "@/lib/services/catalogs/get-catalog";
import type { UsableTemplateView } from "@/lib/services/catalogs/list-usable-templates";

interface Item {
  template: string;
  displayName: string;
  hidden: boolean;
  note: string;
}

interface Draft {
  title: string;
  slug: string;
  description: string;
  classes: string[];
  groups: string[];
  items: Item[];
}

type ClassChoice = { slug: string; title: string; archived: boolean };

/** What is saved: the draft as the catalog's schema takes it. */
const payloadOf = (draft: Draft) => ({
  title: draft.title,
  slug: draft.slug,
  description: draft.description,
  classes: draft.classes,
  groups: draft.groups,
  items: draft.items.map(({ template, note }) => ({ template, note })),
});

const button =
  "rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-100 disabled:opacity-40 disabled:hover:bg-transparent dark:border-slate-600 dark:hover:bg-slate-800";
const card = "mt-6 rounded-xl border border-slate-200 bg-white p-4 sm:p-5 dark:border-slate-800 dark:bg-slate-900";
const MAX_RESULTS = 8;

/**
 * The catalog editor: title and short name, audience (classes the teacher teaches and identity-provider
 * groups), the ordered templates with a note each, and a preview of what a student would see. Templates are
 * reordered with the Move buttons, with Alt+Arrow keys on a focused row, or by dragging a row; each move is
 * announced. Saving sends the whole catalog at once; leaving with unsaved changes asks first.
 */
export function CatalogEditor({ initial, templates, classes }: { initial: CatalogView | null; templates: UsableTemplateView[]; classes: ClassChoice[] }) {
  const router = useRouter();
  const start: Draft = useMemo(
    () => ({
      title: initial?.title ?? "",
      slug: initial?.slug ?? "",
      description: initial?.description ?? "",
      classes: initial?.classes.map((k) => k.slug) ?? [],
      groups: initial?.groups ?? [],
      items: (initial?.items ?? []).filter((i) => !i.unavailable).map(({ template, displayName, hidden, note }) => ({ template, displayName, hidden, note })),
    }),
    [initial],
  );
  const dropped = initial?.items.filter((i) => i.unavailable) ?? [];
  const [draft, setDraft] = useState<Draft>(start);
  const [slugTouched, setSlugTouched] = useState(initial !== null);
  const [saved, setSaved] = useState(JSON.stringify(payloadOf(start)));
  // Templates that are no longer available leave the catalog with the next save: that is a change too.
  const dirty = JSON.stringify(payloadOf(draft)) !== saved || dropped.length > 0;
  const [state, setState] = useState<{ ok: boolean; message?: string; fieldErrors?: Record<string, string[]> }>({ ok: true });
  const [saving, startSaving] = useTransition();
  const [announcement, setAnnouncement] = useState("");
  const focusRow = useRef<number | null>(null);
  const rows = useRef<(HTMLLIElement | null)[]>([]);
  const id = useId();

  const update = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  const setTitle = (title: string) => update(slugTouched ? { title } : { title, slug: slugFromTitle(title) });

  // Leaving with unsaved changes asks first: closing or reloading the tab, and following a link on the page.
  const leaving = useRef(false);
  useEffect(() => {
    const onLeave = () => (leaving.current = true);
    window.addEventListener("envdeck:leave", onLeave);
    return () => window.removeEventListener("envdeck:leave", onLeave);
  }, []);
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (leaving.current) return;
      event.preventDefault();
    };
    const onClick = (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!link || leaving.current || link.target === "_blank" || event.defaultPrevented) return;
      if (new URL(link.href, location.href).origin !== location.origin) return;
      if (!window.confirm("You have unsaved changes to this catalog. Leave without saving them?")) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", beforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [dirty]);

  // After a keyboard move, focus follows the row that moved.
  useEffect(() => {
    if (focusRow.current !== null) {
      rows.current[focusRow.current]?.focus();
      focusRow.current = null;
    }
  });

  const move = (from: number, to: number, options: { focus: boolean }) => {
    if (to < 0 || to >= draft.items.length || from === to) return;
    const item = draft.items[from]!;
    update({ items: moveItem(draft.items, from, to) });
    setAnnouncement(`Moved ${item.displayName} to position ${to + 1} of ${draft.items.length}.`);
    if (options.focus) focusRow.current = to;
  };

  const onRowKey = (event: KeyboardEvent<HTMLLIElement>, index: number) => {
    if (event.target !== event.currentTarget || !event.altKey) return;
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      move(index, index + (event.key === "ArrowUp" ? -1 : 1), { focus: true });
    }
  };

  // Dragging a row: native drag and drop, the drop target marked while dragging.
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragOver, setDragOver] = useState<number | null>(null);
  const onDragStart = (event: DragEvent<HTMLLIElement>, index: number) => {
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", String(index));
    setDragFrom(index);
  };
  const onDrop = (event: DragEvent<HTMLLIElement>, index: number) => {
    event.preventDefault();
    const from = dragFrom ?? Number(event.dataTransfer.getData("text/plain"));
    setDragFrom(null);
    setDragOver(null);
    if (Number.isInteger(from)) move(from, index, { focus: false });
  };

  const [query, setQuery] = useState("");
  const inList = new Set(draft.items.map((i) => i.template));
  const words = foldText(query).split(/\s+/).filter(Boolean);
  const matchesQuery = (t: UsableTemplateView) => words.every((w) => foldText(`${t.displayName} ${t.name} ${t.description} ${t.category}`).includes(w));
  const matches = templates.filter((t) => !inList.has(t.name) && matchesQuery(t));
  const add = (t: UsableTemplateView) => {
    if (draft.items.length >= MAX_CATALOG_ITEMS) return;
    update({ items: [...draft.items, { template: t.name, displayName: t.displayName, hidden: t.hidden, note: "" }] });
    setAnnouncement(`Added ${t.displayName} at position ${draft.items.length + 1}.`);
  };
  const remove = (index: number) => {
    const item = draft.items[index]!;
    update({ items: draft.items.filter((_, i) => i !== index) });
    setAnnouncement(`Removed ${item.displayName}.`);
  };

  const [groupText, setGroupText] = useState("");
  const addGroup = () => {
    const group = groupText.trim();
    if (group && !draft.groups.includes(group)) update({ groups: [...draft.groups, group] });
    setGroupText("");
  };

  const errors = state.fieldErrors;
  const save = () =>
    startSaving(async () => {
      const form = new FormData();
      form.set("editing", initial?.slug ?? "");
      form.set("payload", JSON.stringify(payloadOf(draft)));
      const result = await saveCatalogAction({ ok: false }, form);
      if (!result.ok || !result.result) {
        setState({ ok: false, message: result.message ?? "The catalog could not be saved.", fieldErrors: result.fieldErrors });
        return;
      }
      setState({ ok: true });
      setSaved(JSON.stringify(payloadOf(draft)));
      leaving.current = true;
      router.replace(`/teach/catalogs/${result.result.slug}?saved=1`);
      router.refresh();
    });

  const preview = usePreview(initial?.slug ?? "", draft, classes);

  return (
    <form
      aria-label="Catalog"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <p aria-live="polite" className="sr-only" data-testid="announcer">
        {announcement}
      </p>
      {state.message && (
        <div className="mt-4">
          <FormMessage ok={state.ok} message={state.message} />
        </div>
      )}

      <section aria-labelledby={`${id}-details`} className={card}>
        <h2 id={`${id}-details`} className="text-lg font-semibold">
          Details
        </h2>
        <div className="mt-3 grid gap-4 sm:grid-cols-2">
          <Field label="Title" errors={errorsFor(errors, "title")}>
            <input className={inputClass} value={draft.title} maxLength={MAX_CATALOG_TITLE} required onChange={(e) => setTitle(e.target.value)} />
          </Field>
          <Field label="Short name" help="In the catalog's address. Made from the title until you change it." errors={errorsFor(errors, "slug")}>
            <input
              className={`${inputClass} font-mono`}
              value={draft.slug}
              maxLength={MAX_CATALOG_SLUG}
              spellCheck={false}
              autoCapitalize="none"
              onChange={(e) => {
                setSlugTouched(true);
                update({ slug: e.target.value.toLowerCase() });
              }}
            />
          </Field>
        </div>
        <div className="mt-4">
          <Field label="Description (optional)" help="Shown to students above the templates." errors={errorsFor(errors, "description")}>
            <textarea className={inputClass} rows={2} value={draft.description} maxLength={MAX_CATALOG_DESCRIPTION} onChange={(e) => update({ description: e.target.value })} />
          </Field>
        </div>
      </section>

      <section aria-labelledby={`${id}-audience`} className={card}>
        <h2 id={`${id}-audience`} className="text-lg font-semibold">
          Who sees it
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Members of these classes, and of these identity-provider groups, see it first in their catalog.</p>
        <fieldset className="mt-3">
          <legend className="text-sm font-medium">Classes</legend>
          {classes.length === 0 ? (
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">You teach no class yet: choose groups below, or come back once you have a class.</p>
          ) : (
            <ul className="mt-2 grid gap-2 sm:grid-cols-2">
              {classes
                .filter((k) => !k.archived || draft.classes.includes(k.slug))
                .map((k) => (
                  <li key={k.slug}>
                    <label className="flex items-center gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm dark:border-slate-700">
                      <input
                        type="checkbox"
                        className="h-4 w-4 accent-brand-600"
                        checked={draft.classes.includes(k.slug)}
                        onChange={(e) => update({ classes: e.target.checked ? [...draft.classes, k.slug] : draft.classes.filter((s) => s !== k.slug) })}
                      />
                      <span className="[overflow-wrap:anywhere]">
                        {k.title}
                        {k.archived && <span className="text-slate-600 dark:text-slate-400"> (archived)</span>}
                      </span>
                    </label>
                  </li>
                ))}
            </ul>
          )}
          {errorsFor(errors, "classes")?.map((e) => (
            <p key={e} className="mt-1 text-xs text-red-700 dark:text-red-300">
              {e}
            </p>
          ))}
        </fieldset>
        <div className="mt-4">
          <label htmlFor={`${id}-group`} className="text-sm font-medium">
            Groups
          </label>
          {draft.groups.length > 0 && (
            <ul aria-label="Groups" className="mt-2 flex flex-wrap gap-2">
              {draft.groups.map((g) => (
                <li key={g} className="flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pr-1 pl-3 text-sm text-slate-800 dark:bg-slate-800 dark:text-slate-100">
                  <span className="[overflow-wrap:anywhere]">{g}</span>
                  <button
                    type="button"
                    aria-label={`Remove the group ${g}`}
                    onClick={() => update({ groups: draft.groups.filter((x) => x !== g) })}
                    className="grid h-6 w-6 place-items-center rounded-full hover:bg-slate-200 dark:hover:bg-slate-700"
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="mt-2 flex gap-2">
            <input
              id={`${id}-group`}
              className={`${inputClass} mt-0`}
              value={groupText}
              placeholder="students-2b"
              maxLength={100}
              onChange={(e) => setGroupText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" || e.key === ",") {
                  e.preventDefault();
                  addGroup();
                }
              }}
            />
            <button type="button" className={`${button} whitespace-nowrap`} onClick={addGroup} disabled={!groupText.trim()}>
              Add group
            </button>
          </div>
          {errorsFor(errors, "groups")?.map((e) => (
            <p key={e} className="mt-1 text-xs text-red-700 dark:text-red-300">
              {e}
            </p>
          ))}
        </div>
      </section>

      <section aria-labelledby={`${id}-templates`} className={card}>
        <h2 id={`${id}-templates`} className="text-lg font-semibold">
          Environments, in order
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Students see them in this order. Drag a row, use its Move buttons, or focus it and press Alt+↑ or Alt+↓.
        </p>
        {dropped.length > 0 && (
          <Notice tone="warning" className="mt-3">
            No longer available, so students no longer see them, and they are left out when you save: {dropped.map((i) => i.displayName).join(", ")}.
          </Notice>
        )}
        {errorsFor(errors, "items")
          ?.filter((e) => !/^items\.\d+\./.test(e))
          .map((e) => (
            <p key={e} className="mt-2 text-sm text-red-700 dark:text-red-300">
              {e}
            </p>
          ))}
        {draft.items.length === 0 ? (
          <p className="mt-3 rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
            No environments yet: add some from the list below.
          </p>
        ) : (
          <ol aria-label="Environments in this catalog" className="mt-3 space-y-2">
            {draft.items.map((item, index) => {
              const itemErrors = [...(errors?.[`items.${index}.template`] ?? []), ...(errors?.[`items.${index}.note`] ?? [])];
              return (
                <li
                  key={item.template}
                  ref={(el) => {
                    rows.current[index] = el;
                  }}
                  tabIndex={0}
                  draggable
                  aria-label={`${item.displayName}, position ${index + 1} of ${draft.items.length}`}
                  aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
                  data-testid="catalog-item"
                  onKeyDown={(e) => onRowKey(e, index)}
                  onDragStart={(e) => onDragStart(e, index)}
                  onDragEnd={() => {
                    setDragFrom(null);
                    setDragOver(null);
                  }}
                  onDragOver={(e) => {
                    e.preventDefault();
                    e.dataTransfer.dropEffect = "move";
                    if (dragOver !== index) setDragOver(index);
                  }}
                  onDrop={(e) => onDrop(e, index)}
                  className={`rounded-lg border bg-white p-3 outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:bg-slate-950 ${
                    dragOver === index && dragFrom !== index ? "border-brand-500 ring-2 ring-brand-500/40" : "border-slate-200 dark:border-slate-700"
                  } ${dragFrom === index ? "opacity-50" : ""}`}
                >
                  <div className="flex flex-wrap items-center gap-2">
                    <span aria-hidden="true" className="cursor-grab text-lg leading-none text-slate-500 select-none dark:text-slate-400" title="Drag to reorder">
                      ⠿
                    </span>
                    <span className="grid h-6 min-w-6 place-items-center rounded-full bg-brand-50 px-1.5 text-xs font-semibold text-brand-700 dark:bg-slate-800 dark:text-brand-100">{index + 1}</span>
                    <span className="min-w-[9rem] flex-1 font-medium [overflow-wrap:anywhere]">
                      {item.displayName} <span className="block font-mono text-xs font-normal text-slate-600 sm:inline dark:text-slate-400">{item.template}</span>
                    </span>
                    {item.hidden && (
                      <span className="rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-100">hidden: only reachable through catalogs</span>
                    )}
                    <span className="ml-auto flex gap-1">
                      <button type="button" className={button} aria-label={`Move ${item.displayName} up`} disabled={index === 0} onClick={() => move(index, index - 1, { focus: false })}>
                        ↑<span className="sr-only sm:not-sr-only sm:ml-1">Move up</span>
                      </button>
                      <button
                        type="button"
                        className={button}
                        aria-label={`Move ${item.displayName} down`}
                        disabled={index === draft.items.length - 1}
                        onClick={() => move(index, index + 1, { focus: false })}
                      >
                        ↓<span className="sr-only sm:not-sr-only sm:ml-1">Move down</span>
                      </button>
                      <button type="button" className={`${button} text-red-700 dark:text-red-300`} aria-label={`Remove ${item.displayName}`} onClick={() => remove(index)}>
                        Remove
                      </button>
                    </span>
                  </div>
                  <label className="mt-2 block text-xs font-medium text-slate-700 dark:text-slate-300">
                    Note for students (optional)
                    <input
                      className={`${inputClass} mt-1`}
                      value={item.note}
                      maxLength={MAX_CATALOG_NOTE}
                      placeholder="for example: use this for lab 3"
                      onChange={(e) => update({ items: draft.items.map((it, i) => (i === index ? { ...it, note: e.target.value } : it)) })}
                    />
                  </label>
                  {itemErrors.map((e) => (
                    <p key={e} className="mt-1 text-xs text-red-700 dark:text-red-300">
                      {e}
                    </p>
                  ))}
                </li>
              );
            })}
          </ol>
        )}

        <div className="mt-5 border-t border-slate-200 pt-4 dark:border-slate-800">
          <label htmlFor={`${id}-find`} className="text-sm font-medium">
            Add an environment
          </label>
          <input
            id={`${id}-find`}
            type="search"
            className={inputClass}
            placeholder="Search by name, description or category"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-describedby={`${id}-found`}
          />
          <p id={`${id}-found`} className="mt-1 text-xs text-slate-600 dark:text-slate-400" role="status">
            {draft.items.length >= MAX_CATALOG_ITEMS
              ? `A catalog holds at most ${MAX_CATALOG_ITEMS} environments.`
              : matches.length === 0
                ? templates.length === inList.size
                  ? "Every environment you may use is in the catalog."
                  : words.length > 0 && templates.some((t) => inList.has(t.name) && matchesQuery(t))
                    ? "Every environment that matches is in the catalog already."
                    : "No environment matches."
                : `${matches.length} to choose from${matches.length > MAX_RESULTS ? `: the first ${MAX_RESULTS} are shown, search to narrow them` : ""}.`}
          </p>
          <ul aria-label="Environments to add" hidden={matches.length === 0} className="mt-2 divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {matches.slice(0, MAX_RESULTS).map((t) => (
              <li key={t.name} className="flex flex-wrap items-center gap-2 px-3 py-2">
                <span className="min-w-0 flex-1 text-sm [overflow-wrap:anywhere]">
                  <span className="font-medium">{t.displayName}</span> <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{t.name}</span>
                  {t.description && <span className="block truncate text-xs text-slate-600 dark:text-slate-400">{t.description}</span>}
                </span>
                {t.hidden && <span className="rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-100">hidden: only reachable through catalogs</span>}
                {t.own && <span className="rounded bg-brand-50 px-1.5 py-0.5 text-xs text-brand-700 dark:bg-slate-800 dark:text-brand-100">your class template</span>}
                <button type="button" className={button} aria-label={`Add ${t.displayName}`} disabled={draft.items.length >= MAX_CATALOG_ITEMS} onClick={() => add(t)}>
                  Add
                </button>
              </li>
            ))}
          </ul>
        </div>
      </section>

      <PreviewSection preview={preview} classes={classes.filter((k) => !k.archived)} groups={draft.groups} id={id} />

      {/* Sticky, not fixed: always at hand while scrolling, and at the form's end where the page ends. */}
      <div className="sticky bottom-0 z-10 mt-6 rounded-t-xl border border-b-0 border-slate-200 bg-white/95 shadow-[0_-4px_12px_-6px_rgb(0_0_0/0.15)] backdrop-blur dark:border-slate-800 dark:bg-slate-900/95">
        <div className="flex flex-wrap items-center justify-end gap-3 px-4 py-3">
          <span className="mr-auto text-sm text-slate-600 dark:text-slate-400" role="status">
            {saving ? "Saving…" : dirty ? "Unsaved changes" : "All changes saved"}
          </span>
          <button type="submit" disabled={saving || !dirty} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">
            {saving ? "Saving…" : initial ? "Save catalog" : "Create catalog"}
          </button>
        </div>
      </div>
    </form>
  );
}

interface PreviewState {
  audience: string;
  setAudience: (value: string) => void;
  run: () => void;
  pending: boolean;
  result: { audience: string; includesCatalog: boolean; empty: boolean; html: string } | null;
  error: string | null;
}

/** The preview's state: which audience, and what it would see with the draft saved. */
function usePreview(editing: string, draft: Draft, classes: ClassChoice[]): PreviewState {
  const first = draft.classes[0] ?? classes.find((k) => !k.archived)?.slug;
  const [audience, setAudience] = useState(first ? `class:${first}` : "");
  const [pending, startPreview] = useTransition();
  const [result, setResult] = useState<PreviewState["result"]>(null);
  const [error, setError] = useState<string | null>(null);
  const run = () =>
    startPreview(async () => {
      const [kind, ...rest] = audience.split(":");
      const value = rest.join(":");
      const form = new FormData();
      form.set("editing", editing);
      form.set("payload", JSON.stringify(payloadOf(draft)));
      form.set("audience", JSON.stringify(kind === "class" ? { class: value } : { group: value }));
      const state = await previewCatalogAction({ ok: false }, form);
      if (!state.ok || !state.result) {
        const fields = Object.values(state.fieldErrors ?? {}).flat();
        setError([state.message ?? "The preview could not be made.", ...fields].join(" "));
        setResult(null);
        return;
      }
      setError(null);
      setResult(state.result);
    });
  return { audience, setAudience, run, pending, result, error };
}

function PreviewSection({ preview, classes, groups, id }: { preview: PreviewState; classes: ClassChoice[]; groups: string[]; id: string }) {
  const none = classes.length === 0 && groups.length === 0;
  return (
    <section aria-labelledby={`${id}-preview`} className={card}>
      <h2 id={`${id}-preview`} className="text-lg font-semibold">
        Preview
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">See the catalog as a student would with your changes, before you save them.</p>
      {none ? (
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">Choose a class or add a group to preview as one of its members.</p>
      ) : (
        <div className="mt-3 flex flex-wrap items-end gap-2">
          <label className="block min-w-0 flex-1 text-sm font-medium sm:flex-none">
            As a member of
            <select className={`${inputClass} sm:w-72`} value={preview.audience} onChange={(e) => preview.setAudience(e.target.value)}>
              {classes.map((k) => (
                <option key={k.slug} value={`class:${k.slug}`}>
                  {k.title}
                </option>
              ))}
              {groups.map((g) => (
                <option key={g} value={`group:${g}`}>
                  the group {g}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className={`${button} py-2`} onClick={preview.run} disabled={preview.pending || !preview.audience}>
            {preview.pending ? "Loading…" : "Preview"}
          </button>
        </div>
      )}
      {preview.error && (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-300">
          {preview.error}
        </p>
      )}
      {preview.result && (
        <div role="region" aria-label={`What a student of ${preview.result.audience} sees`} className="mt-4 rounded-lg border border-dashed border-slate-300 p-3 sm:p-4 dark:border-slate-700" aria-busy={preview.pending}>
          <h3 className="font-semibold [overflow-wrap:anywhere]">What a student of {preview.result.audience} sees</h3>
          <p className="text-xs text-slate-600 dark:text-slate-400">Launching is off in this preview.</p>
          {!preview.result.includesCatalog && (
            <Notice tone="warning" className="mt-3">
              This catalog is not for {preview.result.audience} (or has no environment they may see): its members would not see it.
            </Notice>
          )}
          {preview.result.empty ? (
            <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">Their catalog would be empty.</p>
          ) : (
            // Rendered by the student catalog's own markup (escaped on the server), without links.
            <div className="catalog" dangerouslySetInnerHTML={{ __html: preview.result.html }} />
          )}
        </div>
      )}
    </section>
  );
}
