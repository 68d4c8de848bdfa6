import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { Badge } from "@/components/admin/badge";
import { When } from "@/components/admin/local-date";
import { ResetPassword } from "@/components/admin/reset-password";
import { UserEditForm } from "@/components/admin/user-edit-form";
import { UserStatus } from "@/components/admin/user-status";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import { SELF_ADMIN_MESSAGE } from "@/lib/domain/accounts";
import { getUser, type UserDetail } from "@/lib/services/accounts/get-user";

type Props = { params: Promise<{ username: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Account ${(await params).username.slice(0, 63)}` };
}

const section = "rounded-lg border border-slate-200 p-4 dark:border-slate-800";

/** Where a local account's password stands, for the admin. */
function passwordWords(user: UserDetail): React.ReactNode {
  if (user.oneTimePassword) return "A one-time password, not yet replaced: its owner chooses their own at the next sign-in";
  if (user.hasPassword) return "Set";
  if (user.linkExpiresAt) return <>None yet: a set-password link works until <When at={user.linkExpiresAt} /></>;
  return "None: reset it to hand over a new one";
}

export default async function UserPage({ params }: Props) {
  const { username } = await params;
  const identity = await requirePagePermission("user:manage", `/admin/users/account/${encodeURIComponent(username)}`);
  const user = await pageData(getUser(identity, { username }));
  const local = user.source === "local";
  const facts: [string, React.ReactNode][] = [
    ["Username", <span key="u" className="font-mono">{user.username}</span>],
    ["Source", local ? "Local account" : "Single sign-on (mirrored at each sign-in)"],
    ["Status", user.disabledAt ? <Badge key="s" tone="red">disabled</Badge> : <Badge key="s" tone="green">enabled</Badge>],
    ["Created", <When key="c" at={user.createdAt} />],
    ["Last sign-in", <When key="l" at={user.lastLoginAt} />],
  ];
  if (local) {
    facts.push(["Password", passwordWords(user)]);
  }
  return (
    <>
      <p className="text-sm">
        <Link href="/admin" className="text-brand-600 underline dark:text-brand-100">
          Administration
        </Link>{" "}
        /{" "}
        <Link href="/admin/users" className="text-brand-600 underline dark:text-brand-100">
          Users
        </Link>{" "}
        / <span className="wrap-anywhere">{user.username}</span>
      </p>
      <h1 className="mt-1 text-2xl font-semibold wrap-anywhere">{user.displayName ?? user.username}</h1>
      {user.isSelf && <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">This is your own account.</p>}
      <dl className="mt-4 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        {facts.map(([term, value]) => (
          <div key={term} className="contents">
            <dt className="font-medium text-slate-600 dark:text-slate-300">{term}</dt>
            <dd className="wrap-anywhere">{value}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="details" className={`mt-6 ${section}`}>
        <h2 id="details" className="text-lg font-semibold">
          Details, groups and roles
        </h2>
        {local ? (
          <div className="mt-3">
            <UserEditForm user={user} />
          </div>
        ) : (
          <>
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">Read-only: the identity provider sets them at each sign-in.</p>
            <dl className="mt-3 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
              <dt className="font-medium text-slate-600 dark:text-slate-300">Email</dt>
              <dd className="wrap-anywhere">{user.email ?? "—"}</dd>
              <dt className="font-medium text-slate-600 dark:text-slate-300">Groups</dt>
              <dd className="wrap-anywhere">{user.groups.length ? user.groups.join(", ") : "None"}</dd>
              <dt className="font-medium text-slate-600 dark:text-slate-300">Roles</dt>
              <dd>
                <ul data-testid="role-origins">
                  {user.roleOrigins?.map((origin) => (
                    <li key={origin.role}>
                      <span className="font-medium">{origin.role}</span> <span className="text-slate-600 dark:text-slate-300">(derived: {origin.from})</span>
                    </li>
                  ))}
                </ul>
              </dd>
            </dl>
          </>
        )}
      </section>

      {local && !user.disabledAt && (
        <section aria-labelledby="password" className={`mt-6 ${section}`}>
          <h2 id="password" className="text-lg font-semibold">
            Password
          </h2>
          <div className="mt-3">
            <ResetPassword username={user.username} />
          </div>
        </section>
      )}

      <section aria-labelledby="status" className={`mt-6 ${section}`}>
        <h2 id="status" className="text-lg font-semibold">
          {user.disabledAt ? "Disabled" : "Sign-in"}
        </h2>
        <p className="mt-1 mb-3 text-sm text-slate-600 dark:text-slate-300">
          {user.disabledAt ? (
            <>
              Disabled <When at={user.disabledAt} />: they cannot sign in, and their sessions and tokens do not work.
            </>
          ) : (
            "A disabled account cannot sign in; its sessions and API tokens stop working at once."
          )}
        </p>
        <UserStatus username={user.username} disabled={user.disabledAt !== null} refusal={user.isSelf && user.roles.includes("admin") ? SELF_ADMIN_MESSAGE : undefined} />
      </section>
    </>
  );
}
