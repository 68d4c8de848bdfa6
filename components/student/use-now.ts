"use client";

import { useEffect, useState } from "react";

/**
 * The current time, ticking every `intervalMs` while `active`. Starts from `initial` (the server's render
 * time) so the first browser render matches the server's HTML.
 */
export function useNow(initial: number, intervalMs = 1000, active = true): number {
  const [now, setNow] = useState(initial);
  useEffect(() => {
    if (!active) return;
    // The first tick comes at once, not after a whole interval.
    const first = setTimeout(() => setNow(Date.now()), 0);
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [intervalMs, active]);
  return now;
}
