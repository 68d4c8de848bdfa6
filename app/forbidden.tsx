import Link from "@/components/ui/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-sm font-semibold text-brand-600">403</p>
      <h1 className="mt-2 text-2xl font-semibold">You do not have access to this page</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        Your account does not have the role this page needs. If you think it should, ask your administrator.
      </p>
      <Link href="/" className="mt-6 inline-block rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
        Back to the catalog
      </Link>
    </div>
  );
}
