"use client";

import Link from "@/components/ui/link";
import { usePathname } from "next/navigation";
import { Fragment, useState, type ReactNode } from "react";

/** Whether a section's link leads to the page being shown: the catalog only at "/", the others for their subpages too. */
function leadsTo(href: string, pathname: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

/** The link of the section being shown: of links that lead to it (Admin and Templates both lead to a template), the most specific. */
function currentLink(hrefs: string[], pathname: string): string | undefined {
  return hrefs.filter((href) => leadsTo(href, pathname)).sort((a, b) => b.length - a.length)[0];
}

/** More sections than fit beside the brand and the account controls on a laptop: they get a row of their own. */
const ONE_ROW_LINKS = 5;

export interface NavLink {
  href: string;
  label: string;
  /** The part of the portal it belongs to: a thin rule separates the parts on wider screens. */
  part: "student" | "teach" | "admin";
}

/**
 * The header's sections and account controls: in one row on wider screens (two when an admin's many sections
 * would not fit beside the account controls: the sections then take the second row, tighter, with a rule
 * between the student's, the teacher's and the admin's parts), behind a Menu button on a phone, so the header
 * stays one line high there. The link of the page being shown says so (`aria-current`).
 */
export function MainNav({ links, children }: { links: NavLink[]; children: ReactNode }) {
  const pathname = usePathname();
  const current = currentLink(
    links.map((link) => link.href),
    pathname,
  );
  const [open, setOpen] = useState(false);
  const twoRows = links.length > ONE_ROW_LINKS;
  // Following a link closes the menu: the page it opened is what the user wants to see.
  const [openedAt, setOpenedAt] = useState(pathname);
  if (openedAt !== pathname) {
    setOpenedAt(pathname);
    setOpen(false);
  }
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="main-menu"
        onClick={() => setOpen(!open)}
        className="ml-auto rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 sm:hidden dark:border-slate-700 dark:hover:bg-slate-800"
      >
        {open ? "Close" : "Menu"}
      </button>
      <div
        id="main-menu"
        className={`${open ? "flex" : "hidden"} w-full flex-col gap-2 ${twoRows ? "sm:contents" : "sm:flex sm:w-auto sm:flex-1 sm:flex-row sm:items-center sm:gap-6"}`}
      >
        <nav aria-label="Main" className={`flex flex-col gap-1 sm:flex-row ${twoRows ? "sm:order-last sm:w-full sm:flex-wrap" : ""}`}>
          {links.map((link, i) => {
            const isCurrent = link.href === current;
            const newPart = i > 0 && links[i - 1]!.part !== link.part;
            return (
              <Fragment key={link.href}>
                {newPart && <span aria-hidden="true" className="mx-1.5 hidden h-5 w-px self-center bg-slate-300 sm:block dark:bg-slate-700" />}
                <Link
                  href={link.href}
                  aria-current={isCurrent ? "page" : undefined}
                  className={`rounded-md ${twoRows ? "px-2.5" : "px-3"} py-1.5 text-sm font-medium whitespace-nowrap hover:bg-slate-100 dark:hover:bg-slate-800 ${isCurrent ? "bg-brand-50 text-brand-700 dark:bg-slate-800 dark:text-brand-100" : "text-slate-700 dark:text-slate-200"}`}
                >
                  {link.label}
                </Link>
              </Fragment>
            );
          })}
        </nav>
        {children}
      </div>
    </>
  );
}
