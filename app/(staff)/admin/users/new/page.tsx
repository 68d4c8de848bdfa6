import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { NewUserForm } from "@/components/admin/new-user-form";
import { requirePagePermission } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "New account" };

export default async function NewUserPage() {
  await requirePagePermission("user:manage", "/admin/users/new");
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
        / New account
      </p>
      <h1 className="mt-1 text-2xl font-semibold">New local account</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-300">
        For people without a single sign-on account. Many at once?{" "}
        <Link href="/admin/users/import" className="font-medium text-brand-700 underline dark:text-brand-100">
          Import a class list
        </Link>
        .
      </p>
      <NewUserForm />
    </>
  );
}
