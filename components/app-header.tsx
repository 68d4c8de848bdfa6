import Link from "@/components/ui/link";
import type { Identity } from "@/lib/domain/identity";
import { can } from "@/lib/domain/permissions";
import { MainNav, type NavLink } from "./main-nav";
import { SignOutButton } from "./sign-out-button";

/** Top bar: brand, the sections the signed-in user may open, and who is signed in. */
export function AppHeader({ identity }: { identity: Identity | null }) {
  const sections: (NavLink & { show: boolean })[] = [
    { href: "/", label: "Catalog", part: "student", show: can(identity, "catalog:view") },
    { href: "/environments", label: "My environments", part: "student", show: can(identity, "instance:launch") },
    { href: "/teach", label: "Teach", part: "teach", show: can(identity, "teach:view") },
    { href: "/teach/classes", label: "Classes", part: "teach", show: can(identity, "teach:view") },
    { href: "/teach/warm-ups", label: "Warm-ups", part: "teach", show: can(identity, "teach:view") },
    { href: "/teach/catalogs", label: "Catalogs", part: "teach", show: can(identity, "catalog:manage") },
    { href: "/teach/templates", label: "Class templates", part: "teach", show: can(identity, "class-template:manage") },
    { href: "/admin", label: "Admin", part: "admin", show: can(identity, "admin:view") },
    { href: "/admin/templates", label: "Templates", part: "admin", show: can(identity, "template:edit") },
    { href: "/admin/environments", label: "Environments", part: "admin", show: can(identity, "instance:manage-any") },
    { href: "/admin/audit", label: "Audit", part: "admin", show: can(identity, "audit:view") },
    { href: "/admin/users", label: "Users", part: "admin", show: can(identity, "user:manage") },
    { href: "/admin/settings", label: "Settings", part: "admin", show: can(identity, "settings:edit") },
  ];
  const links = sections.filter((link) => link.show);
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="flex items-center gap-2 text-lg font-semibold text-brand-600 dark:text-brand-100">
          <span aria-hidden="true" className="grid h-7 w-7 place-items-center rounded-md bg-brand-600 text-sm text-white">
            e
          </span>
          Envdeck
        </Link>
        {identity && (
          <MainNav links={links.map(({ href, label, part }) => ({ href, label, part }))}>
            <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-2 sm:ml-auto sm:border-0 sm:pt-0 dark:border-slate-800">
              <span className="text-sm text-slate-600 dark:text-slate-300" data-testid="signed-in-user">
                {identity.displayName}
                <span className="sr-only"> ({identity.username})</span>
                <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                  {identity.roles.at(-1)}
                </span>
              </span>
              <Link
                href="/account"
                className="rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
              >
                Account<span className="sr-only"> and API tokens</span>
              </Link>
              <SignOutButton />
            </div>
          </MainNav>
        )}
      </div>
    </header>
  );
}
