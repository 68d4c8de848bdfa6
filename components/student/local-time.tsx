"use client";

import { useSyncExternalStore } from "react";
import { formatWhen } from "@/lib/domain/progress";

const subscribe = () => () => undefined;

/**
 * A moment in the reader's own time zone. The server does not know that zone: its HTML (and the browser's
 * first render, which must match it) says the time in UTC, and the browser then shows its own.
 */
export function LocalTime({ iso, now }: { iso: string; now: number }) {
  const inBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const date = new Date(iso);
  const text = inBrowser ? formatWhen(date, new Date(now)) : `${formatWhen(date, new Date(now), { locale: "en-GB", timeZone: "UTC" })} UTC`;
  return <time dateTime={iso}>{text}</time>;
}
