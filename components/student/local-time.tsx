"use client";

import { formatWhen } from "@/lib/domain/progress";
import { useHydrated } from "./use-hydrated";

/**
 * A moment in the reader's own time zone. The server does not know that zone: its HTML (and the browser's
 * first render, which must match it) says the time in UTC, and the browser then shows its own.
 */
export function LocalTime({ iso, now }: { iso: string; now: number }) {
  const inBrowser = useHydrated();
  const date = new Date(iso);
  const text = inBrowser ? formatWhen(date, new Date(now)) : `${formatWhen(date, new Date(now), { locale: "en-GB", timeZone: "UTC" })} UTC`;
  return <time dateTime={iso}>{text}</time>;
}
