import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/app-header";
import { getIdentity } from "@/lib/auth/session";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Envdeck", template: "%s · Envdeck" },
  description: "Launch your own terminal, IDE, notebook or database in seconds.",
  // Files in public/, rendered from icon.svg by scripts/icons.sh. The .ico says 32x32 so browsers that can use the SVG pick it.
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "32x32" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: { url: "/apple-touch-icon.png", sizes: "180x180" },
  },
  manifest: "/manifest.webmanifest",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  // The header's background: white, slate-900 in dark mode.
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#0f172b" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const identity = await getIdentity();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <AppHeader identity={identity} />
        <main id="main" className="mx-auto max-w-6xl px-4 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
