"use client";

import { FieldError, helpClass, invalidProps, type Errors } from "@/components/templates/settings-fields";
import { inputClass } from "@/components/ui/form";
import { MAX_ACCOUNT_DISPLAY_NAME, MAX_EMAIL, MAX_GROUPS } from "@/lib/domain/accounts";

/** What the account forms hold while an admin types. */
export interface AccountFormState {
  displayName: string;
  email: string;
  groups: string;
  teacher: boolean;
  admin: boolean;
}

/** The form's state as the schema's input (`accountFieldsSchema`). */
export function accountInputOf(form: AccountFormState) {
  const roles = ["student", ...(form.teacher || form.admin ? ["teacher"] : []), ...(form.admin ? ["admin"] : [])];
  return { displayName: form.displayName, email: form.email, groups: form.groups, roles };
}

/** The id of a field's input, where its errors point. */
export const accountFieldId = (name: string) => `account-${name}`;

/**
 * Display name, email, groups and roles, each labelled, with its help and errors beside it. `lockAdmin`
 * keeps the admin role as it is and says why (an admin's own account).
 */
export function AccountFields({
  form,
  set,
  errors,
  lockAdmin,
}: {
  form: AccountFormState;
  set: <K extends keyof AccountFormState>(key: K, value: AccountFormState[K]) => void;
  errors: Errors;
  lockAdmin?: string;
}) {
  const field = (name: "displayName" | "email") => ({
    id: accountFieldId(name),
    value: form[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => set(name, e.target.value),
    ...invalidProps(errors, name, `${accountFieldId(name)}-help`),
    className: inputClass,
  });
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={accountFieldId("displayName")} className="block text-sm font-medium">
            Display name
          </label>
          <input {...field("displayName")} maxLength={MAX_ACCOUNT_DISPLAY_NAME + 50} autoComplete="off" />
          <span id={`${accountFieldId("displayName")}-help`} className={helpClass}>
            Optional. Shown in the header and to teachers.
          </span>
          <FieldError errors={errors} path="displayName" />
        </div>
        <div>
          <label htmlFor={accountFieldId("email")} className="block text-sm font-medium">
            Email
          </label>
          <input {...field("email")} type="email" maxLength={MAX_EMAIL + 50} autoComplete="off" />
          <span id={`${accountFieldId("email")}-help`} className={helpClass}>
            Optional. Templates may read it.
          </span>
          <FieldError errors={errors} path="email" />
        </div>
      </div>
      <div>
        <label htmlFor={accountFieldId("groups")} className="block text-sm font-medium">
          Groups
        </label>
        <input
          id={accountFieldId("groups")}
          value={form.groups}
          onChange={(e) => set("groups", e.target.value)}
          {...invalidProps(errors, "groups", `${accountFieldId("groups")}-help`)}
          autoComplete="off"
          spellCheck={false}
          className={`${inputClass} font-mono`}
        />
        <span id={`${accountFieldId("groups")}-help`} className={helpClass}>
          Separated by commas or spaces, at most {MAX_GROUPS}: letters, digits and . _ : @ / -. Catalogs and group-owned environments follow them.
        </span>
        <FieldError errors={errors} path="groups" />
      </div>
      <fieldset id={accountFieldId("roles")} tabIndex={-1} {...invalidProps(errors, "roles")} className="min-w-0">
        <legend className="text-sm font-medium">Roles</legend>
        <p className={`${helpClass} mt-0`}>Every account is a student. Admins are teachers too.</p>
        <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={form.teacher || form.admin} disabled={form.admin} onChange={(e) => set("teacher", e.target.checked)} />
            Teacher
          </label>
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={form.admin}
              disabled={Boolean(lockAdmin)}
              aria-describedby={lockAdmin ? `${accountFieldId("roles")}-lock` : undefined}
              onChange={(e) => set("admin", e.target.checked)}
            />
            Admin
          </label>
        </div>
        {lockAdmin && (
          <p id={`${accountFieldId("roles")}-lock`} className={helpClass}>
            {lockAdmin}
          </p>
        )}
        <FieldError errors={errors} path="roles" />
      </fieldset>
    </>
  );
}
