import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { PortalSettingsForm } from "@/components/admin/portal-settings-form";
import { requirePagePermission } from "@/lib/auth/guards";
import { getSettingsWithDefaults } from "@/lib/services/settings/get-settings";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const identity = await requirePagePermission("settings:edit", "/admin/settings");
  const { settings, defaults } = await getSettingsWithDefaults(identity);
  return (
    <>
      <p className="text-sm">
        <Link href="/admin" className="text-brand-600 underline dark:text-brand-100">
          Administration
        </Link>{" "}
        / Settings
      </p>
      <h1 className="mt-1 text-2xl font-semibold">Settings</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-300">
        What every template and launch starts from. Saved settings take effect at once, in the portal and the worker, without a restart.
      </p>
      <PortalSettingsForm initial={settings} defaults={defaults} />
    </>
  );
}
