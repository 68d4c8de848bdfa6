"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect } from "react";

/**
 * The report's time zone: the one in the address, or the browser's. A report opened without one is replaced
 * at once by the same report in the browser's zone, so its days are the teacher's days; without JavaScript
 * the days stay UTC's, and the page says so. The form sends the zone along as a hidden field.
 */
export function UsageTimeZone({ timeZone }: { timeZone: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  useEffect(() => {
    if (params.has("tz")) return;
    const detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!detected || detected === timeZone) return;
    const next = new URLSearchParams(params);
    next.set("tz", detected);
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  }, [params, pathname, router, timeZone]);
  return <input type="hidden" name="tz" value={params.get("tz") ?? timeZone} />;
}
