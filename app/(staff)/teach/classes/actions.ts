"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { splitGroups } from "@/lib/domain/accounts";
import { addMembers } from "@/lib/services/classes/add-members";
import { addTeacher } from "@/lib/services/classes/add-teacher";
import { archiveClass } from "@/lib/services/classes/archive-class";
import { createClass } from "@/lib/services/classes/create-class";
import { previewMembers } from "@/lib/services/classes/preview-members";
import { removeMember } from "@/lib/services/classes/remove-member";
import { removeTeacher } from "@/lib/services/classes/remove-teacher";
import { rotateJoinCode } from "@/lib/services/classes/rotate-join-code";
import { setJoinCode } from "@/lib/services/classes/set-join-code";
import { updateClass } from "@/lib/services/classes/update-class";

// Form text is bounded here only against abuse; the use cases check each field's real rules and say which.
const short = z.string().max(1000);
const slug = short;
/** A pasted list: the use case refuses more than 10 000 names with its own words. */
const names = z.string().max(2_000_000, "The list is too long: add at most 10,000 names at a time.");

const classPages = (classSlug: string) => {
  revalidatePath("/teach/classes");
  revalidatePath(`/teach/classes/${classSlug}`, "layout");
};

export const createClassAction = withIdentity(z.object({ title: short, slug: short, term: short }), async (identity, input) => {
  const created = await createClass(identity, input);
  revalidatePath("/teach/classes");
  return { slug: created.slug };
});

export const updateClassAction = withIdentity(z.object({ slug, title: short, term: short, groups: z.string().max(10_000) }), async (identity, { slug: classSlug, groups, ...fields }) => {
  const { changed } = await updateClass(identity, { slug: classSlug, fields: { ...fields, groups: splitGroups(groups) } });
  classPages(classSlug);
  return { changed };
});

export const archiveClassAction = withIdentity(z.object({ slug, archived: z.enum(["true", "false"]) }), async (identity, { slug: classSlug, archived }) => {
  const { changed } = await archiveClass(identity, { slug: classSlug, archived: archived === "true" });
  classPages(classSlug);
  return { changed };
});

export const addTeacherAction = withIdentity(z.object({ slug, username: short }), async (identity, input) => {
  const result = await addTeacher(identity, input);
  classPages(input.slug);
  return result;
});

export const removeTeacherAction = withIdentity(z.object({ slug, username: short }), async (identity, input) => {
  const result = await removeTeacher(identity, input);
  // A teacher who leaves a class can no longer open its pages: only the list is rendered again (the form
  // moves on to it), not the page they are on, which would now be "not found".
  if (result.username === identity.username) revalidatePath("/teach/classes");
  else classPages(input.slug);
  return result;
});

export const previewMembersAction = withIdentity(z.object({ slug, names }), (identity, input) => previewMembers(identity, input));

export const addMembersAction = withIdentity(z.object({ slug, names }), async (identity, input) => {
  const report = await addMembers(identity, input);
  classPages(input.slug);
  return report;
});

export const removeMemberAction = withIdentity(z.object({ slug, username: short }), async (identity, input) => {
  const result = await removeMember(identity, input);
  classPages(input.slug);
  return result;
});

export const rotateJoinCodeAction = withIdentity(z.object({ slug }), async (identity, input) => {
  await rotateJoinCode(identity, input);
  classPages(input.slug);
  return {};
});

/** `expiresAt` arrives as an ISO time the browser made of the local date and time typed, or empty for none. */
export const setJoinCodeAction = withIdentity(z.object({ slug, enabled: z.enum(["true", "false"]), expiresAt: short }), async (identity, { slug: classSlug, enabled, expiresAt }) => {
  const result = await setJoinCode(identity, { slug: classSlug, enabled: enabled === "true", expiresAt: expiresAt === "" ? null : expiresAt });
  classPages(classSlug);
  return { changed: result.changed };
});
