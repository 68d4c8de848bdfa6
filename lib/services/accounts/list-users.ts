import "server-only";
import { listUsers as queryUsers } from "@/lib/db/users";
import { parseUserFilter, type UserFilter } from "@/lib/domain/accounts";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { toUserView, type UserView } from "./internal/accounts";

/** Rows the list shows at most; a larger school narrows it with the search and filters. */
export const USER_LIST_LIMIT = 200;

export interface UserList {
  filter: UserFilter;
  rows: UserView[];
  /** Users the filter matches, and users in all. */
  matching: number;
  total: number;
  truncated: boolean;
}

/** The admin's user list: search and filters from the query string, by username. */
export async function listUsers(identity: Identity | null, input: { searchParams: Record<string, string | string[] | undefined> }): Promise<UserList> {
  assertCan(identity, "user:manage");
  const filter = parseUserFilter(input.searchParams);
  const { rows, matching, total } = await queryUsers(filter, new Date(), USER_LIST_LIMIT);
  return { filter, rows: rows.map(toUserView), matching, total, truncated: matching > rows.length };
}
