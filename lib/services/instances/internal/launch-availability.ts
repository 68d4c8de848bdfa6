import "server-only";
import { getConfig } from "@/lib/config";
import type { Identity } from "@/lib/domain/identity";
import { audienceOf, launchUnavailableMessage } from "@/lib/domain/problems";
import { selectEngine } from "@/lib/engine/select";

export interface LaunchAvailability {
  available: boolean;
  /**
   * Why launching is impossible, in words for the caller: staff read the cause and the fix, students what
   * they can do. Null when it is possible.
   */
  reason: string | null;
}

/**
 * Whether this portal can launch at all: decided from the configuration alone, so the web never contacts
 * the cluster. Launches are refused with the same reason when it is not.
 */
export function getLaunchAvailability(identity: Identity | null): LaunchAvailability {
  const selection = selectEngine(getConfig().kubernetes);
  if (selection.kind !== "none") return { available: true, reason: null };
  return { available: false, reason: launchUnavailableMessage(selection.reason, audienceOf(identity)) };
}
