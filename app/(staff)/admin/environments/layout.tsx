import type { ReactNode } from "react";
import { Providers } from "@/components/providers";

/** The environment pages follow their environments live: they get the query client. */
export default function EnvironmentsLayout({ children }: { children: ReactNode }) {
  return <Providers>{children}</Providers>;
}
