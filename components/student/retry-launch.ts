import { deleteAction, launchAction } from "@/app/(student)/actions";
import type { EnvironmentView } from "@/lib/services/instances/view";
import { actionFormData } from "./action-form-data";

/**
 * Retries a failed launch: the failed environment is released, then the template launched again with the
 * same parameters. Released first because a launch of the template would return the failed one again.
 */
export async function retryLaunch(environment: EnvironmentView): Promise<{ ok: true; environment: EnvironmentView } | { ok: false; message: string }> {
  const released = await deleteAction({ ok: false }, actionFormData({ uuid: environment.uuid }));
  if (!released.ok) return { ok: false, message: released.message ?? "Could not remove the failed environment." };
  const relaunched = await launchAction({ ok: false }, actionFormData({ name: environment.name }, environment.params));
  if (!relaunched.ok || !relaunched.result) return { ok: false, message: relaunched.message ?? "The launch failed again." };
  return { ok: true, environment: relaunched.result.environment };
}
