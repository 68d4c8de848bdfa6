import "server-only";
import { existingUsernames } from "@/lib/db/users";
import type { Prisma } from "@/lib/db/client";
import { ClassListError, classListReader, MAX_CLASS_LIST_BYTES, MAX_CLASS_LIST_ROWS, type ClassList, type ClassListRow } from "@/lib/domain/class-list";
import { AppError } from "@/lib/domain/errors";

/** A class list as the dry run reports it: every row with its outcome. */
export interface ClassListReport {
  rows: ClassListRow[];
  /** Rows that would be created, and rows with problems. */
  valid: number;
  invalid: number;
}

const refuse = (message: string): never => {
  throw new AppError("INVALID_INPUT", message, { file: [message] });
};

/**
 * Reads an uploaded class list: its size first (a file over the limit is refused without reading it), then
 * its text as a stream of UTF-8, parsed as it arrives and given up at the first problem with the whole file
 * (past the row limit, among others), so a huge file is neither read to its end nor held as rows.
 */
export async function readClassListFile(file: unknown): Promise<ClassList> {
  if (!(file instanceof Blob)) return refuse("Choose a CSV file with the class list.");
  if (file.size === 0) return refuse("The file is empty. Its first line must name the columns: username,display name,email,groups,role.");
  if (file.size > MAX_CLASS_LIST_BYTES) {
    return refuse(`The file is ${Math.ceil(file.size / 1024)} KiB; a class list may have at most ${MAX_CLASS_LIST_BYTES / 1024} KiB and ${MAX_CLASS_LIST_ROWS} accounts. Split it into smaller files.`);
  }
  const reader = classListReader();
  const text = file.stream().pipeThrough(new TextDecoderStream("utf-8", { fatal: true })).getReader();
  try {
    for (;;) {
      const { done, value } = await text.read();
      if (done) break;
      reader.push(value);
    }
    return reader.end();
  } catch (error) {
    await text.cancel().catch(() => undefined);
    if (error instanceof ClassListError) return refuse(error.message);
    if (error instanceof TypeError) return refuse("The file is not UTF-8 text. Save the class list as \"CSV UTF-8\" and upload it again.");
    throw error;
  } finally {
    text.releaseLock();
  }
}

/** Adds to each row whether its username is taken in the database already. */
export async function checkAgainstDatabase(client: Prisma.TransactionClient, list: ClassList): Promise<ClassListReport> {
  const taken = await existingUsernames(
    client,
    list.rows.map((row) => row.username).filter(Boolean),
  );
  const rows = list.rows.map((row) => {
    const source = taken.get(row.username);
    if (!source) return row;
    return { ...row, errors: [...row.errors, `username: "${row.username}" exists already${source === "oidc" ? " (a single sign-on account)" : ""}.`] };
  });
  const invalid = rows.filter((row) => row.errors.length > 0).length;
  return { rows, valid: rows.length - invalid, invalid };
}
