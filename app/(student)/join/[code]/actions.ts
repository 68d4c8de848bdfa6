"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { joinClass } from "@/lib/services/classes/join-class";

/** Joining is a POST (a server action: same-origin only), never a side effect of opening the link. */
export const joinClassAction = withIdentity(z.object({ code: z.string().max(100) }), async (identity, input) => {
  const joined = await joinClass(identity, input);
  // The catalog now shows the class's environments.
  revalidatePath("/");
  return joined;
});
