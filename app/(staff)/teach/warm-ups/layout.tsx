import type { ReactNode } from "react";
import { Providers } from "@/components/providers";

/** The warm-ups follow their pools live: TanStack Query polls the API while the page is open. */
export default function WarmUpsLayout({ children }: { children: ReactNode }) {
  return <Providers>{children}</Providers>;
}
