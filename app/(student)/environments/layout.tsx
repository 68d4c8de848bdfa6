import type { ReactNode } from "react";
import { Providers } from "@/components/providers";

/** The pages that follow live data get the query client; the catalog does without its code. */
export default function LiveDataLayout({ children }: { children: ReactNode }) {
  return <Providers>{children}</Providers>;
}
