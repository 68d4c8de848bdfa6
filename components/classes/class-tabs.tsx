"use client";

import Link from "@/components/ui/link";
import { usePathname } from "next/navigation";

/**
 * The class's pages as tabs: plain links (Tab and Enter reach them, each opens its own address), the page
 * being shown marked with aria-current.
 */
export function ClassTabs({ slug }: { slug: string }) {
  const pathname = usePathname();
  const base = `/teach/classes/${slug}`;
  const tabs = [
    { href: base, label: "Environments" },
    { href: `${base}/roster`, label: "Roster" },
    { href: `${base}/warm-ups`, label: "Warm-ups" },
    { href: `${base}/usage`, label: "Usage" },
    { href: `${base}/settings`, label: "Settings" },
  ];
  return (
    <nav aria-label="Class" className="mt-4 overflow-x-auto border-b border-slate-200 dark:border-slate-800">
      <ul className="flex gap-1">
        {tabs.map((tab) => {
          const current = tab.href === base ? pathname === base : pathname === tab.href || pathname.startsWith(`${tab.href}/`);
          return (
            <li key={tab.href}>
              <Link
                href={tab.href}
                aria-current={current ? "page" : undefined}
                className={`-mb-px block border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap ${
                  current
                    ? "border-brand-600 text-brand-700 dark:border-brand-100 dark:text-brand-100"
                    : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900 dark:text-slate-400 dark:hover:border-slate-600 dark:hover:text-slate-100"
                }`}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
