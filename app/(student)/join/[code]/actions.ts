"use server";

import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { joinClass } from "@/lib/services/classes/join-class";

/**
 * Joining is a POST (a server action: same-origin only), never a side effect of opening the link. Nothing is
 * revalidated: the catalog is rendered per request, and re-rendering the join page here would replace "You're
 * in" with the page's own "You're already in" before the student reads it.
 */
export const joinClassAction = withIdentity(z.object({ code: z.string().max(100) }), (identity, input) => joinClass(identity, input));
