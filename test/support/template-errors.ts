import { expect } from "vitest";
import { TemplateError } from "@/lib/templates/errors";

/** Runs `fn`, which must throw a TemplateError, and returns its issues. */
export function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as TemplateError).issues;
  }
  throw new Error("expected a TemplateError");
}
