import type { Template } from "liquidjs";
import { MAX_MESSAGE_TEMPLATE } from "@/lib/domain/template-settings";
import { TemplateError, type TemplateIssue } from "./errors";
import { createLiquid } from "./liquid";
import { CONTEXT_VARIABLES, USER_VARIABLES, type RenderContext } from "./render";

/**
 * How students reach an environment. `web`: its connection URL, behind an Open button. `instructions`: a
 * text rendered at launch from the template's connection message template (Liquid, with the context the
 * connection URL sees), for environments reached another way (ssh, a database client, a VNC viewer).
 *
 * The message is plain text, shown as such. Its lines are the template author's: every output is escaped
 * for plain text, so a value (a parameter, a claim, a group name) cannot start a line of its own, reorder
 * the text around it with bidirectional controls, hide itself with control characters, or bury the
 * author's lines under a flood of text. A value stays on the line where the author put it, readable.
 */

export { CONNECTION_TYPES, MAX_MESSAGE_TEMPLATE, type ConnectionType } from "@/lib/domain/template-settings";

/** Longest rendered message, in characters (the instance column holds this much). */
export const MAX_MESSAGE = 8000;
/** Longest text one output may add; the rest is cut and marked with an ellipsis. */
export const MAX_MESSAGE_OUTPUT = 500;

const PATH = "connectionMessageTemplate";

/** Characters that would break a line wherever a value lands: they become a space. */
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
/**
 * Other control characters and the bidirectional controls (which can make text read in another order than
 * it is written): made visible as U+FFFD rather than silently dropped, so tampering shows.
 */
const HIDDEN = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/** One output of a message template as plain text: on one line, visible, bounded. */
export function plainTextOutput(value: unknown): string {
  const text = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  const flat = text.replace(LINE_BREAKS, " ").replace(HIDDEN, "\uFFFD");
  const chars = Array.from(flat);
  return chars.length > MAX_MESSAGE_OUTPUT ? `${chars.slice(0, MAX_MESSAGE_OUTPUT - 1).join("")}…` : flat;
}

const engine = createLiquid({ what: "connection messages", outputEscape: plainTextOutput, parseLimit: MAX_MESSAGE_TEMPLATE, renderLimit: 200 });

function parse(source: string): Template[] {
  if (source.length > MAX_MESSAGE_TEMPLATE) throw new TemplateError("size", [{ path: PATH, message: `must be at most ${MAX_MESSAGE_TEMPLATE} characters` }]);
  try {
    return engine.parse(source);
  } catch (error) {
    throw new TemplateError("syntax", [{ path: PATH, message: (error as Error).message.replace(/^undefined variable/, "unknown variable") }]);
  }
}

/**
 * Save-time checks of a message template: syntax, only known context variables, and for pool templates none
 * of the per-user ones (a pool member is rendered before anyone claims it). Throws a TemplateError.
 */
export function checkMessageTemplate(source: string, options: { pool: boolean }): void {
  const used = engine.globalVariablesSync(parse(source));
  const issues: TemplateIssue[] = [];
  for (const name of used) {
    if (!(CONTEXT_VARIABLES as readonly string[]).includes(name)) {
      issues.push({ path: PATH, message: `unknown variable "${name}" (available: ${CONTEXT_VARIABLES.join(", ")})` });
    } else if (options.pool && (USER_VARIABLES as readonly string[]).includes(name)) {
      issues.push({ path: PATH, message: `pool templates cannot use "${name}": pool members are prepared before anyone claims them` });
    }
  }
  if (issues.length > 0) throw new TemplateError("policy", issues);
}

/** Renders a message template for one instance; line endings are normalised, the result trimmed and bounded. */
export async function renderConnectionMessage(source: string, context: RenderContext): Promise<string> {
  const templates = parse(source);
  let text: string;
  try {
    text = await engine.render(templates, context as unknown as Record<string, unknown>);
  } catch (error) {
    const message = ((error as { originalError?: Error }).originalError ?? (error as Error)).message;
    throw new TemplateError("render", [{ path: PATH, message: message.replace(/, line:\d+, col:\d+$/, "").replace(/^undefined variable/, "unknown variable") }]);
  }
  const message = text.replace(/\r\n?/g, "\n").trim();
  if (message.length > MAX_MESSAGE) throw new TemplateError("size", [{ path: PATH, message: `the rendered message is longer than ${MAX_MESSAGE} characters` }]);
  return message;
}
