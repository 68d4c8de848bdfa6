import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { NewClassForm } from "@/components/classes/new-class-form";
import { requirePagePermission } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "New class" };

export default async function NewClassPage() {
  await requirePagePermission("class:manage", "/teach/classes/new");
  return (
    <>
      <Link href="/teach/classes" className="text-sm text-brand-700 hover:underline dark:text-brand-100">
        ← Classes
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">New class</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">You will be its teacher. It gets a join code at once; you can add co-teachers afterwards.</p>
      <NewClassForm />
    </>
  );
}
