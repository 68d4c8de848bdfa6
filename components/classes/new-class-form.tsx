"use client";

import Link from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition, type FormEvent } from "react";
import { createClassAction } from "@/app/(staff)/teach/classes/actions";
import { errorsFor, Field, FormMessage, inputClass } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import { MAX_CLASS_SLUG, MAX_CLASS_TERM, MAX_CLASS_TITLE } from "@/lib/domain/classes";

/** A short name suggested from a title: "Intro to CS (2026)" → "intro-to-cs-2026". */
function suggestSlug(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, MAX_CLASS_SLUG)
    .replace(/-+$/, "");
}

/** Creates a class; on success the class's roster opens, with its join code ready to share. */
export function NewClassForm() {
  const router = useRouter();
  const [state, setState] = useState<ActionState<{ slug: string }>>({ ok: false });
  const [pending, start] = useTransition();
  // Posted by hand rather than as a form action, so a refused form keeps what was typed.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    start(async () => setState(await createClassAction({ ok: false }, data)));
  }
  const [title, setTitle] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  useEffect(() => {
    if (state.ok && state.result) router.push(`/teach/classes/${state.result.slug}/roster`);
  }, [state, router]);
  const field = (name: string) => errorsFor(state.fieldErrors, name);
  return (
    <form onSubmit={onSubmit} className="mt-6 max-w-xl space-y-4" noValidate aria-label="New class">
      <Field label="Title" help={`What students see, up to ${MAX_CLASS_TITLE} characters: "Intro to CS".`} errors={field("title")}>
        <input
          name="title"
          required
          maxLength={MAX_CLASS_TITLE}
          value={title}
          onChange={(e) => {
            setTitle(e.target.value);
            if (!slugEdited) setSlug(suggestSlug(e.target.value));
          }}
          className={inputClass}
          aria-invalid={field("title") ? true : undefined}
        />
      </Field>
      <Field label="Short name" help={`In the class's address: lowercase letters, digits and dashes, up to ${MAX_CLASS_SLUG}. It cannot be changed later.`} errors={field("slug")}>
        <input
          name="slug"
          required
          maxLength={MAX_CLASS_SLUG}
          value={slug}
          onChange={(e) => {
            setSlug(e.target.value);
            setSlugEdited(true);
          }}
          className={`${inputClass} font-mono`}
          autoCapitalize="none"
          spellCheck={false}
          aria-invalid={field("slug") ? true : undefined}
        />
      </Field>
      <Field label="Term (optional)" help={`Up to ${MAX_CLASS_TERM} characters: "Fall 2026".`} errors={field("term")}>
        <input name="term" maxLength={MAX_CLASS_TERM} className={inputClass} aria-invalid={field("term") ? true : undefined} />
      </Field>
      {!state.ok && <FormMessage ok={false} message={state.message} />}
      <div className="flex flex-wrap gap-3">
        <button type="submit" disabled={pending || (state.ok && !!state.result)} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending || state.ok ? "Creating…" : "Create class"}
        </button>
        <Link href="/teach/classes" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Cancel
        </Link>
      </div>
    </form>
  );
}
