"use client";

import { DurationInput, NumberField, type Errors } from "./settings-fields";
import type { Duration } from "./settings-form-state";

/** A lifetime as a form holds it; its errors come back under ttlSeconds, ttlExtendSeconds and ttlMaxExtends. */
export interface LifetimeState {
  ttl: Duration;
  ttlUnlimited: boolean;
  extend: Duration;
  maxExtends: string;
}

/** Sets one of them: any form's setter that takes these names and values. */
type SetLifetime = (...change: { [K in keyof LifetimeState]: [name: K, value: LifetimeState[K]] }[keyof LifetimeState]) => void;

/**
 * How long an environment lives and how it may be extended: a template's own lifetime, and the portal's
 * default for new templates. Three cells of the form's grid.
 */
export function LifetimeFields({
  form,
  set,
  errors,
  extensionsHelp,
}: {
  form: LifetimeState;
  set: SetLifetime;
  errors: Errors;
  extensionsHelp?: string;
}) {
  return (
    <>
      <DurationInput
        path="ttlSeconds"
        label="Lifetime"
        help="From launch (or claim) until it is deleted."
        value={form.ttl}
        onChange={(v) => set("ttl", v)}
        unlimited={{ checked: form.ttlUnlimited, onChange: (checked) => set("ttlUnlimited", checked) }}
        errors={errors}
      />
      <DurationInput path="ttlExtendSeconds" label="Each extension adds" help="0 turns extensions off." value={form.extend} onChange={(v) => set("extend", v)} errors={errors} />
      <NumberField path="ttlMaxExtends" label="Extensions allowed" help={extensionsHelp} value={form.maxExtends} onChange={(v) => set("maxExtends", v)} errors={errors} />
    </>
  );
}
