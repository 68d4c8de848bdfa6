import type { ActionState } from "@/lib/auth/actions";

/** A server action made by withIdentity, whatever it returns. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAction = (state: ActionState<any>, data: FormData) => Promise<ActionState<unknown>>;

/** Calls a server action with plain fields, as a form would post them. */
export function runAction(action: AnyAction, fields: Record<string, string>): Promise<ActionState<unknown>> {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return action({ ok: false }, data);
}
