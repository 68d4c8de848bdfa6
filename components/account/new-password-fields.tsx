import { checkNewPassword, MIN_PASSWORD } from "@/lib/domain/accounts";
import { PASSWORD_MAX } from "@/lib/domain/credentials";

/** Password inputs: text-base, so phones do not zoom into them. */
export const passwordInputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-brand-500 dark:border-slate-700 dark:bg-slate-900";

/** A field's problems under it, with the id its input's aria-describedby names. */
export function FieldError({ name, errors }: { name: string; errors: Record<string, string[]> }) {
  return errors[name]?.length ? (
    <span id={`${name}-error`} className="mt-1 block text-xs font-normal text-red-700 dark:text-red-300">
      {errors[name]!.join(" ")}
    </span>
  ) : null;
}

/** The new password and its repetition, as every form that chooses a password asks for them. */
export function NewPasswordFields({ errors }: { errors: Record<string, string[]> }) {
  return (
    <>
      <label className="block text-sm font-medium">
        New password
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX}
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={errors.password ? "password-help password-error" : "password-help"}
          className={passwordInputClass}
        />
        <span id="password-help" className="mt-1 block text-xs font-normal text-slate-600 dark:text-slate-400">
          At least {MIN_PASSWORD} characters. A few unrelated words are easy to remember and hard to guess.
        </span>
        <FieldError name="password" errors={errors} />
      </label>
      <label className="block text-sm font-medium">
        The same password again
        <input
          name="confirm"
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX}
          aria-invalid={errors.confirm ? true : undefined}
          aria-describedby={errors.confirm ? "confirm-error" : undefined}
          className={passwordInputClass}
        />
        <FieldError name="confirm" errors={errors} />
      </label>
    </>
  );
}

/** The browser's own check of a new password, by the rule the server applies: the problems by field, or null. */
export function newPasswordProblems(data: FormData): Record<string, string[]> | null {
  const password = String(data.get("password") ?? "");
  const problem = checkNewPassword(password);
  if (problem) return { password: [problem] };
  if (password !== data.get("confirm")) return { confirm: ["The two passwords differ."] };
  return null;
}
