import { TemplateError, type TemplateIssue } from "./errors";

/**
 * Dploy writes values and URL templates in Go's text/template (with sprig); Envdeck renders Liquid. This module
 * translates between the two for the part of Go templates that templates actually use: variables
 * (`{{ .Owner }}`, `{{ .Params.size }}`), a few functions (`default`, `upper`, `lower`, `trim`, `replace`,
 * `toJson`, `quote`), `if` / `else if` / `else` / `end` on comparisons, `and`, `or`, `not`, and the `{{-`
 * `-}}` whitespace trims. Anything else (range, with, variables, include, printf…) is refused with its line,
 * never guessed at: a wrong guess would launch environments with different values than the author meant.
 *
 * Go and Liquid disagree on truth: Go's `if` is false for "", 0 and empty lists, Liquid's only for nil and
 * false. `{{ if .X }}` therefore becomes `{% if x != blank %}`, which Liquid reads the way Go does (except
 * for the number 0, which no Dploy parameter can be: they are all text).
 */

type Token =
  | { t: "field"; parts: string[] }
  | { t: "string"; value: string }
  | { t: "number"; text: string }
  | { t: "ident"; name: string }
  | { t: "pipe" }
  | { t: "open" }
  | { t: "close" };

type Arg = { t: "field"; parts: string[] } | { t: "string"; value: string } | { t: "number"; text: string } | { t: "ident"; name: string } | { t: "paren"; pipeline: Arg[][] };

/** Thrown inside the translators; turned into a TemplateError issue with the action's line. */
class Unsupported extends Error {}

const GO_TO_LIQUID_VARIABLES: Record<string, string> = {
  Owner: "owner",
  UUID: "uuid",
  Host: "host",
  URL: "url",
  ConnectionURL: "url",
  Namespace: "namespace",
  Template: "template.name",
  Params: "params",
  Claims: "claims",
};

const LIQUID_TO_GO_VARIABLES: Record<string, string> = {
  owner: ".Owner",
  uuid: ".UUID",
  host: ".Host",
  url: ".URL",
  namespace: ".Namespace",
  "template.name": ".Template",
  params: ".Params",
  claims: ".Claims",
  "config.values": ".Config.Values",
};

/** Go functions with a Liquid filter of the same meaning, by the number of arguments besides the piped value. */
const FILTERS: Record<string, { liquid: string; args: number }> = {
  default: { liquid: "default", args: 1 },
  upper: { liquid: "upper", args: 0 },
  lower: { liquid: "lower", args: 0 },
  trim: { liquid: "trim", args: 0 },
  toJson: { liquid: "json", args: 0 },
  replace: { liquid: "replace", args: 2 },
};
const GO_FILTER_OF: Record<string, string> = Object.fromEntries(Object.entries(FILTERS).map(([go, { liquid }]) => [liquid, go]));

const COMPARISONS: Record<string, string> = { eq: "==", ne: "!=", lt: "<", le: "<=", gt: ">", ge: ">=" };
const GO_COMPARISON_OF: Record<string, string> = Object.fromEntries(Object.entries(COMPARISONS).map(([go, liquid]) => [liquid, go]));

export interface GoTranslation {
  text: string;
  /** Actions that were rewritten: zero when the text had none. */
  rewritten: number;
  /** Things the translation left out on purpose, in words (`quote`, which Liquid output does not need). */
  notes: string[];
}

function positionOf(source: string, index: number): { line: number; column: number } {
  const before = source.slice(0, index);
  const line = before.split("\n").length;
  return { line, column: index - before.lastIndexOf("\n") };
}

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < body.length && body[j] !== '"') j += body[j] === "\\" ? 2 : 1;
      if (j >= body.length) throw new Unsupported("a string is not closed");
      try {
        tokens.push({ t: "string", value: JSON.parse(body.slice(i, j + 1)) as string });
      } catch {
        throw new Unsupported(`the string ${body.slice(i, j + 1)} uses an escape Envdeck does not read`);
      }
      i = j + 1;
    } else if (c === "`") {
      const j = body.indexOf("`", i + 1);
      if (j < 0) throw new Unsupported("a raw string is not closed");
      tokens.push({ t: "string", value: body.slice(i + 1, j) });
      i = j + 1;
    } else if (c === ".") {
      const match = /^(\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(body.slice(i));
      if (!match) throw new Unsupported("the dot alone (the whole context) has no Envdeck equivalent");
      tokens.push({ t: "field", parts: match[0].slice(1).split(".") });
      i += match[0].length;
    } else if (/[-0-9]/.test(c)) {
      const match = /^-?\d+(\.\d+)?/.exec(body.slice(i));
      if (!match) throw new Unsupported(`"${c}" is not understood here`);
      tokens.push({ t: "number", text: match[0] });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body.slice(i))!;
      tokens.push({ t: "ident", name: match[0] });
      i += match[0].length;
    } else if (c === "|") {
      tokens.push({ t: "pipe" });
      i++;
    } else if (c === "(") {
      tokens.push({ t: "open" });
      i++;
    } else if (c === ")") {
      tokens.push({ t: "close" });
      i++;
    } else if (c === "$") {
      throw new Unsupported("template variables ($x) have no Envdeck equivalent");
    } else {
      throw new Unsupported(`"${c}" is not understood here`);
    }
  }
  return tokens;
}

/** pipeline := command ('|' command)*; command := arg+; arg := operand | '(' pipeline ')'. */
function parsePipeline(tokens: Token[], at = 0, nested = false): { pipeline: Arg[][]; next: number } {
  const pipeline: Arg[][] = [[]];
  let i = at;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (token.t === "close") {
      if (!nested) throw new Unsupported("a ) has no matching (");
      break;
    }
    if (token.t === "pipe") {
      if (pipeline.at(-1)!.length === 0) throw new Unsupported("a | has nothing before it");
      pipeline.push([]);
      i++;
    } else if (token.t === "open") {
      const inner = parsePipeline(tokens, i + 1, true);
      if (tokens[inner.next]?.t !== "close") throw new Unsupported("a ( is not closed");
      pipeline.at(-1)!.push({ t: "paren", pipeline: inner.pipeline });
      i = inner.next + 1;
    } else {
      pipeline.at(-1)!.push(token);
      i++;
    }
  }
  if (pipeline.some((command) => command.length === 0)) throw new Unsupported("an action is empty or ends with |");
  return { pipeline, next: i };
}

function variableOf(parts: string[]): string {
  const [root, ...rest] = parts;
  if (root === "Config") {
    if (rest[0] !== "Values") throw new Unsupported(`.Config.${rest[0] ?? ""} has no Envdeck equivalent (only .Config.Values)`);
    return ["config.values", ...rest.slice(1)].join(".");
  }
  if (root === "BaseDomain") throw new Unsupported(".BaseDomain has no Envdeck variable: write the domain itself, or use {{ .Host }} for the whole host name");
  const mapped = GO_TO_LIQUID_VARIABLES[root!];
  if (!mapped) throw new Unsupported(`.${root} is not a variable Envdeck knows (${Object.keys(GO_TO_LIQUID_VARIABLES).map((k) => `.${k}`).join(", ")}, .Config.Values)`);
  // Only parameters and claims have fields of their own.
  if (rest.length > 0 && mapped !== "params" && mapped !== "claims") throw new Unsupported(`.${parts.join(".")} has no Envdeck equivalent`);
  return [mapped, ...rest].join(".");
}

function liquidString(value: string): string {
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  throw new Unsupported("a string holding both kinds of quote cannot be written in Liquid");
}

/** An operand as Liquid: a variable, a string, a number, true, false or nil. */
function operand(arg: Arg): string {
  switch (arg.t) {
    case "field":
      return variableOf(arg.parts);
    case "string":
      return liquidString(arg.value);
    case "number":
      return arg.text;
    case "ident":
      if (["true", "false", "nil"].includes(arg.name)) return arg.name;
      throw new Unsupported(`${arg.name} needs arguments here, or has no Envdeck equivalent`);
    case "paren":
      throw new Unsupported("parentheses are only understood in if conditions");
  }
}

function filterOf(name: string, args: Arg[], notes: string[]): string | null {
  if (name === "quote" && args.length === 0) {
    notes.push("quote was left out: Envdeck inserts each value as data, so none needs quoting");
    return null;
  }
  const filter = FILTERS[name];
  if (!filter) throw new Unsupported(`the function ${name} has no Envdeck equivalent`);
  if (args.length !== filter.args) throw new Unsupported(`${name} takes ${filter.args} argument${filter.args === 1 ? "" : "s"} here`);
  return args.length === 0 ? filter.liquid : `${filter.liquid}: ${args.map(operand).join(", ")}`;
}

/** An output pipeline (`.X | default "y"`, `default "y" .X`) as a Liquid output expression. */
function outputOf(pipeline: Arg[][], notes: string[]): string {
  const [first, ...piped] = pipeline;
  const filters: string[] = [];
  let base: string;
  const head = first![0]!;
  if (head.t === "ident" && !["true", "false", "nil"].includes(head.name)) {
    // A function called with its value last: `default "x" .Y` is `.Y | default "x"`.
    const args = first!.slice(1);
    if (args.length === 0) throw new Unsupported(`${head.name} needs a value`);
    base = operand(args.at(-1)!);
    const filter = filterOf(head.name, args.slice(0, -1), notes);
    if (filter) filters.push(filter);
  } else {
    if (first!.length !== 1) throw new Unsupported("a value cannot be followed by another value here");
    base = operand(head);
  }
  for (const command of piped) {
    const [fn, ...args] = command;
    if (fn!.t !== "ident") throw new Unsupported("after | comes a function name");
    const filter = filterOf(fn!.name, args, notes);
    if (filter) filters.push(filter);
  }
  return [base, ...filters].join(" | ");
}

/** A term of a condition: a comparison, or a value tested as Go tests it (not blank). */
function conditionTerm(arg: Arg, insideLogic: boolean): string {
  if (arg.t === "paren") {
    if (arg.pipeline.length !== 1) throw new Unsupported("a condition cannot use |");
    return conditionOf(arg.pipeline[0]!, insideLogic);
  }
  return `${operand(arg)} != blank`;
}

function conditionOf(command: Arg[], insideLogic = false): string {
  const [head, ...args] = command;
  if (head!.t === "ident" && COMPARISONS[head!.name]) {
    if (args.length !== 2 || args.some((a) => a.t === "paren")) throw new Unsupported(`${head!.name} compares exactly two values here`);
    return `${operand(args[0]!)} ${COMPARISONS[head!.name]} ${operand(args[1]!)}`;
  }
  if (head!.t === "ident" && (head!.name === "and" || head!.name === "or")) {
    // Liquid has no parentheses and reads and/or right to left: one kind of operator per condition keeps the
    // meaning exact.
    if (insideLogic) throw new Unsupported("and/or inside and/or cannot be written in Liquid, which has no parentheses");
    if (args.length < 2) throw new Unsupported(`${head!.name} needs two or more conditions`);
    return args.map((a) => conditionTerm(a, true)).join(` ${head!.name} `);
  }
  if (head!.t === "ident" && head!.name === "not") {
    if (args.length !== 1 || args[0]!.t === "paren") throw new Unsupported("not is understood before one value");
    return `${operand(args[0]!)} == blank`;
  }
  if (command.length !== 1) throw new Unsupported("this condition has no Envdeck equivalent");
  return conditionTerm(head!, insideLogic);
}

interface Action {
  start: number;
  end: number;
  body: string;
  trimLeft: boolean;
  trimRight: boolean;
}

/** Finds the next action from `from`, reading strings and comments so a `}}` inside them does not end it. */
function nextAction(source: string, from: number): Action | null {
  const start = source.indexOf("{{", from);
  if (start < 0) return null;
  let i = start + 2;
  const trimLeft = /^-\s/.test(source.slice(i, i + 2));
  if (trimLeft) i += 1;
  while (i < source.length) {
    if (source.startsWith("/*", i)) {
      const close = source.indexOf("*/", i + 2);
      if (close < 0) break;
      i = close + 2;
    } else if (source[i] === '"') {
      i++;
      while (i < source.length && source[i] !== '"' && source[i] !== "\n") i += source[i] === "\\" ? 2 : 1;
      i++;
    } else if (source[i] === "`") {
      const close = source.indexOf("`", i + 1);
      i = close < 0 ? source.length : close + 1;
    } else if (source.startsWith("}}", i)) {
      const inner = source.slice(start + 2 + (trimLeft ? 1 : 0), i);
      const trimRight = /\s-$/.test(inner);
      return { start, end: i + 2, body: trimRight ? inner.slice(0, -1) : inner, trimLeft, trimRight };
    } else {
      i++;
    }
  }
  throw Object.assign(new Unsupported("an action {{ is not closed with }}"), { at: start });
}

/**
 * Translates a Go template (Dploy's `valuesTemplate` or `connectionURLTemplate`) into Envdeck's Liquid.
 * Throws a TemplateError naming `path` with the line and column of every action it cannot translate.
 */
export function goToLiquid(source: string, path: string): GoTranslation {
  const issues: TemplateIssue[] = [];
  const notes: string[] = [];
  const out: string[] = [];
  // Where each if still open began, for the line of one that never ends.
  const open: number[] = [];
  let rewritten = 0;
  let from = 0;
  const fail = (at: number, message: string) => issues.push({ path, message, ...positionOf(source, at) });
  const copyText = (text: string, at: number) => {
    // Plain text reaches Liquid as it is: a "{%" in it would start a Liquid tag.
    const tag = text.indexOf("{%");
    if (tag >= 0) fail(at + tag, '"{%" starts a tag in Liquid; remove it or write it another way');
    out.push(text);
  };
  for (;;) {
    let action: Action | null;
    try {
      action = nextAction(source, from);
    } catch (error) {
      fail((error as { at?: number }).at ?? from, (error as Error).message);
      break;
    }
    if (!action) {
      copyText(source.slice(from), from);
      break;
    }
    copyText(source.slice(from, action.start), from);
    from = action.end;
    rewritten++;
    const left = action.trimLeft ? "-" : "";
    const right = action.trimRight ? "-" : "";
    const tag = (body: string) => `{%${left} ${body} ${right}%}`;
    const body = action.body.trim();
    try {
      if (/^\/\*[\s\S]*\*\/$/.test(body)) continue;
      const tokens = tokenize(body);
      const head = tokens[0];
      if (!head) throw new Unsupported("an action is empty");
      const keyword = head.t === "ident" ? head.name : null;
      if (keyword === "if") {
        open.push(action.start);
        out.push(tag(`if ${conditionOf(singleCommand(tokens.slice(1)))}`));
      } else if (keyword === "else") {
        if (open.length === 0) throw new Unsupported("else without if");
        const rest = tokens.slice(1);
        if (rest.length === 0) out.push(tag("else"));
        else if (rest[0]!.t === "ident" && rest[0]!.name === "if") out.push(tag(`elsif ${conditionOf(singleCommand(rest.slice(1)))}`));
        else throw new Unsupported(`else ${body.slice(4).trim()} has no Envdeck equivalent`);
      } else if (keyword === "end") {
        if (tokens.length !== 1) throw new Unsupported("end takes nothing after it");
        if (open.pop() === undefined) throw new Unsupported("end without if");
        out.push(tag("endif"));
      } else if (keyword && ["range", "with", "define", "template", "block", "break", "continue", "include", "tpl", "printf", "required", "fail", "lookup"].includes(keyword)) {
        throw new Unsupported(`${keyword} has no Envdeck equivalent; rewrite this part in Liquid after importing`);
      } else {
        out.push(`{{${left} ${outputOf(parsePipeline(tokens).pipeline, notes)} ${right}}}`);
      }
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      fail(action.start, `{{${action.body}}}: ${error.message}`);
    }
  }
  if (open.length > 0 && issues.length === 0) fail(open.at(-1)!, "an if has no end");
  if (issues.length > 0) throw new TemplateError("syntax", issues.slice(0, 20));
  return { text: out.join(""), rewritten, notes: [...new Set(notes)] };
}

function singleCommand(tokens: Token[]): Arg[] {
  const { pipeline } = parsePipeline(tokens);
  if (pipeline.length !== 1) throw new Unsupported("a condition cannot use |");
  return pipeline[0]!;
}

export interface LiquidTranslation {
  text: string;
  /** Constructs with no Go template equivalent, with their line; when not empty, `text` is the source unchanged. */
  untranslatable: string[];
}

function goString(value: string): string {
  return JSON.stringify(value);
}

/** A Liquid value (variable path or literal) as Go, or null when it has no equivalent. */
function goOperand(text: string): string {
  const literal = /^"([^"]*)"$|^'([^']*)'$/.exec(text);
  if (literal) return goString(literal[1] ?? literal[2]!);
  if (/^-?\d+(\.\d+)?$/.test(text) || ["true", "false", "nil"].includes(text)) return text;
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(text)) throw new Unsupported(`${text} has no Go template equivalent`);
  for (const [liquid, go] of Object.entries(LIQUID_TO_GO_VARIABLES).sort(([a], [b]) => b.length - a.length)) {
    if (text === liquid) return go;
    if (text.startsWith(`${liquid}.`) && ["params", "claims", "config.values"].includes(liquid)) return `${go}.${text.slice(liquid.length + 1).split(".").join(".")}`;
  }
  throw new Unsupported(`${text} has no Dploy variable`);
}

/** Splits on a separator outside quotes. */
function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (text.startsWith(separator, i)) {
      parts.push(current.trim());
      current = "";
      i += separator.length - 1;
    } else current += c;
  }
  parts.push(current.trim());
  return parts;
}

function goOutput(expression: string): string {
  const [base, ...filters] = splitOutside(expression, "|");
  const pieces = [goOperand(base!)];
  for (const filter of filters) {
    const colon = filter.indexOf(":");
    const name = (colon < 0 ? filter : filter.slice(0, colon)).trim();
    const args = colon < 0 ? [] : splitOutside(filter.slice(colon + 1), ",");
    const go = GO_FILTER_OF[name];
    if (!go || FILTERS[go]!.args !== args.length) throw new Unsupported(`the filter ${name} has no Go template equivalent`);
    pieces.push([go, ...args.map(goOperand)].join(" "));
  }
  return pieces.join(" | ");
}

function goTerm(term: string, insideLogic: boolean): string {
  const blank = /^(.+?)\s*(==|!=)\s*blank$/.exec(term);
  if (blank) return blank[2] === "!=" ? goOperand(blank[1]!) : insideLogic ? `(not ${goOperand(blank[1]!)})` : `not ${goOperand(blank[1]!)}`;
  const parts = splitOutside(term, " ").filter(Boolean);
  if (parts.length === 3 && GO_COMPARISON_OF[parts[1]!]) {
    const comparison = `${GO_COMPARISON_OF[parts[1]!]} ${goOperand(parts[0]!)} ${goOperand(parts[2]!)}`;
    return insideLogic ? `(${comparison})` : comparison;
  }
  if (parts.length === 1) return goOperand(parts[0]!);
  throw new Unsupported(`the condition ${term} has no Go template equivalent`);
}

function goCondition(condition: string): string {
  for (const operator of ["and", "or"]) {
    const terms = splitOutside(condition, ` ${operator} `);
    if (terms.length > 1) {
      if (terms.some((t) => / (and|or) /.test(t))) throw new Unsupported("mixing and with or has no exact Go template equivalent");
      return `${operator} ${terms.map((t) => goTerm(t, true)).join(" ")}`;
    }
  }
  return goTerm(condition.trim(), false);
}

/**
 * Translates an Envdeck Liquid template into Go's text/template for a DployTemplate export: the inverse of
 * `goToLiquid` on what that produces. Anything outside that subset is reported in `untranslatable` (with its
 * line) and the source is returned unchanged, for the reader of the export to rewrite by hand.
 */
export function liquidToGo(source: string): LiquidTranslation {
  const untranslatable: string[] = [];
  const out: string[] = [];
  const open: string[] = [];
  const pattern = /\{\{(-?)([\s\S]*?)(-?)\}\}|\{%(-?)([\s\S]*?)(-?)%\}/g;
  let from = 0;
  for (const match of source.matchAll(pattern)) {
    out.push(source.slice(from, match.index));
    from = match.index + match[0].length;
    const isOutput = match[0].startsWith("{{");
    const left = (isOutput ? match[1] : match[4]) ? "- " : " ";
    const right = (isOutput ? match[3] : match[6]) ? " -" : " ";
    const body = (isOutput ? match[2] : match[5])!.trim();
    const action = (text: string) => `{{${left}${text}${right}}}`;
    try {
      if (isOutput) {
        out.push(action(goOutput(body)));
        continue;
      }
      const [, keyword, rest = ""] = /^(\w+)\s*([\s\S]*)$/.exec(body) ?? [];
      if (keyword === "if" || keyword === "unless") {
        open.push(keyword);
        const condition = goCondition(rest);
        out.push(action(keyword === "if" ? `if ${condition}` : `if not (${condition})`));
      } else if (keyword === "elsif" && open.at(-1) === "if") out.push(action(`else if ${goCondition(rest)}`));
      else if (keyword === "else" && rest === "" && open.length > 0) out.push(action("else"));
      else if ((keyword === "endif" && open.at(-1) === "if") || (keyword === "endunless" && open.at(-1) === "unless")) {
        open.pop();
        out.push(action("end"));
      } else throw new Unsupported(`{% ${keyword ?? body} %} has no Go template equivalent`);
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      untranslatable.push(`line ${positionOf(source, match.index).line}: ${error.message}`);
    }
  }
  out.push(source.slice(from));
  return untranslatable.length > 0 ? { text: source, untranslatable } : { text: out.join(""), untranslatable };
}
