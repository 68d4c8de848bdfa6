import type { ReactNode } from "react";
import { checkNewPassword, MIN_PASSWORD, PASSWORDS_DIFFER } from "@/lib/domain/accounts";
import { PASSWORD_MAX } from "@/lib/domain/credentials";

/** Password inputs: text-base, so phones do not zoom into them. */
const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-brand-500 dark:border-slate-700 dark:bg-slate-900";

/**
 * One password input with its label, an optional help line and its problems under it; the input names the
 * help and the problems in aria-describedby, by ids made from `name`.
 */
export function PasswordField({ name, label, autoComplete, help, errors }: { name: string; label: string; autoComplete: "current-password" | "new-password"; help?: ReactNode; errors: Record<string, string[]> }) {
  const problems = errors[name]?.length ? errors[name]! : null;
  const describedBy = [help && `${name}-help`, problems && `${name}-error`].filter(Boolean).join(" ");
  return (
    <label className="block text-sm font-medium">
      {label}
      <input name={name} type="password" autoComplete={autoComplete} maxLength={PASSWORD_MAX} aria-invalid={problems ? true : undefined} aria-describedby={describedBy || undefined} className={inputClass} />
      {help && (
        <span id={`${name}-help`} className="mt-1 block text-xs font-normal text-slate-600 dark:text-slate-400">
          {help}
        </span>
      )}
      {problems && (
        <span id={`${name}-error`} className="mt-1 block text-xs font-normal text-red-700 dark:text-red-300">
          {problems.join(" ")}
        </span>
      )}
    </label>
  );
}

/** The new password and its repetition, as every form that chooses a password asks for them. */
export function NewPasswordFields({ errors }: { errors: Record<string, string[]> }) {
  return (
    <>
      <PasswordField
        name="password"
        label="New password"
        autoComplete="new-password"
        help={`At least ${MIN_PASSWORD} characters. A few unrelated words are easy to remember and hard to guess.`}
        errors={errors}
      />
      <PasswordField name="confirm" label="The same password again" autoComplete="new-password" errors={errors} />
    </>
  );
}

/** The browser's own check of a new password, by the rule the server applies: the problems by field, or null. */
export function newPasswordProblems(data: FormData): Record<string, string[]> | null {
  const password = String(data.get("password") ?? "");
  const problem = checkNewPassword(password);
  if (problem) return { password: [problem] };
  if (password !== data.get("confirm")) return { confirm: [PASSWORDS_DIFFER] };
  return null;
}
