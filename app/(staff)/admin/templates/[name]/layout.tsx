import type { ReactNode } from "react";
import { Providers } from "@/components/providers";

/** A template's page follows its warm pool live: it gets the query client. */
export default function TemplatePageLayout({ children }: { children: ReactNode }) {
  return <Providers>{children}</Providers>;
}
