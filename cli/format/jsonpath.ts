// The part of kubectl's JSONPath that people use, for `-o jsonpath=`, `--sort-by` and the CRD's
// printer columns:
//
//   text outside braces           printed as is
//   {.a.b}  {$.a}  {.a['b.c']}   a field (missing: nothing is printed, as kubectl's default)
//   {.items[0]} {.items[-1]}     an index; {.items[1:3]} a slice; {.items[*]} {.a.*} every element
//   {..name}                     every `name` at any depth
//   {.c[?(@.type=="Ready")].s}   a filter: ==, !=, <, <=, >, >= against a string, number or
//                                true/false, or @.x alone (x exists and is not false or empty)
//   {range .items[*]}…{end}      repeats its body for each result, paths inside relative to it
//   {"\n"} {'\t'}                a literal string, with \n \t \\ \" escapes
//
// Several results of one expression are printed separated by spaces; maps and lists as JSON.

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'fields'; names: string[] }
  | { kind: 'wildcard' }
  | { kind: 'recursive'; name: string | undefined }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number }
  | { kind: 'filter'; path: Path; operator?: string; value?: unknown };

interface Path {
  /** `$`: from the root; otherwise from the current object (`@`, or the root outside a range). */
  fromRoot: boolean;
  steps: Step[];
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'path'; path: Path }
  | { kind: 'range'; path: Path; body: Node[] };

export interface Template {
  nodes: Node[];
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };

class PathParser {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly where: string,
  ) {}

  private fail(message: string): never {
    throw new JsonPathError(`${message} at position ${this.at + 1} of ${JSON.stringify(this.where)}`);
  }

  private peek(offset = 0): string {
    return this.text.charAt(this.at + offset);
  }

  private skipSpaces(): void {
    while (this.peek() === ' ') this.at++;
  }

  get done(): boolean {
    return this.at >= this.text.length;
  }

  path(stopAt: string): Path {
    this.skipSpaces();
    let fromRoot = false;
    if (this.peek() === '$') {
      fromRoot = true;
      this.at++;
    } else if (this.peek() === '@') {
      this.at++;
    }
    const steps: Step[] = [];
    while (!this.done && !stopAt.includes(this.peek())) {
      const ch = this.peek();
      if (ch === '.' && this.peek(1) === '.') {
        this.at += 2;
        const name = this.name();
        steps.push({ kind: 'recursive', name: name === '' || name === '*' ? undefined : name });
      } else if (ch === '.') {
        this.at++;
        if (this.peek() === '*') {
          this.at++;
          steps.push({ kind: 'wildcard' });
        } else if (this.peek() === '[' || this.done || stopAt.includes(this.peek())) {
          // `.` alone or `.[0]`: the current object itself
        } else {
          const name = this.name();
          if (name === '') this.fail('expected a field name');
          steps.push({ kind: 'field', name });
        }
      } else if (ch === '[') {
        this.at++;
        steps.push(this.bracket());
      } else {
        this.fail(`unexpected ${JSON.stringify(ch)}`);
      }
    }
    return { fromRoot, steps };
  }

  private name(): string {
    const start = this.at;
    while (!this.done && /[\w\-/$*]/.test(this.peek())) this.at++;
    return this.text.slice(start, this.at);
  }

  /** The whole text is one quoted string, such as "\n". */
  stringLiteral(): string {
    const value = this.quoted();
    this.skipSpaces();
    if (!this.done) this.fail('unexpected text after the string');
    return value;
  }

  private quoted(): string {
    const quote = this.peek();
    this.at++;
    let value = '';
    while (!this.done && this.peek() !== quote) {
      if (this.peek() === '\\' && this.at + 1 < this.text.length) {
        value += ESCAPES[this.peek(1)] ?? this.peek(1);
        this.at += 2;
      } else {
        value += this.peek();
        this.at++;
      }
    }
    if (this.done) this.fail('unterminated string');
    this.at++;
    return value;
  }

  private integer(): number | undefined {
    this.skipSpaces();
    const match = /^-?\d+/.exec(this.text.slice(this.at));
    if (!match) return undefined;
    this.at += match[0].length;
    this.skipSpaces();
    return Number(match[0]);
  }

  private expect(ch: string): void {
    this.skipSpaces();
    if (this.peek() !== ch) this.fail(`expected ${JSON.stringify(ch)}`);
    this.at++;
  }

  private bracket(): Step {
    this.skipSpaces();
    const ch = this.peek();
    if (ch === '*') {
      this.at++;
      this.expect(']');
      return { kind: 'wildcard' };
    }
    if (ch === '?') {
      this.at++;
      this.expect('(');
      const path = this.path('=!<>) ');
      this.skipSpaces();
      let operator: string | undefined;
      let value: unknown;
      const op = /^(==|!=|<=|>=|<|>)/.exec(this.text.slice(this.at));
      if (op) {
        operator = op[0];
        this.at += operator.length;
        value = this.literal();
      }
      this.expect(')');
      this.expect(']');
      return { kind: 'filter', path, operator, value };
    }
    if (ch === '"' || ch === "'") {
      const names = [this.quoted()];
      this.skipSpaces();
      while (this.peek() === ',') {
        this.at++;
        this.skipSpaces();
        if (this.peek() !== '"' && this.peek() !== "'") this.fail('expected a quoted field name');
        names.push(this.quoted());
        this.skipSpaces();
      }
      this.expect(']');
      return names.length === 1 ? { kind: 'field', name: names[0] as string } : { kind: 'fields', names };
    }
    const start = this.integer();
    if (this.peek() === ':') {
      this.at++;
      const end = this.integer();
      this.expect(']');
      return { kind: 'slice', start, end };
    }
    if (start === undefined) this.fail('expected an index, a slice, *, a quoted name or a ?(filter)');
    this.expect(']');
    return { kind: 'index', index: start };
  }

  private literal(): unknown {
    this.skipSpaces();
    const ch = this.peek();
    if (ch === '"' || ch === "'") return this.quoted();
    const match = /^(-?\d+(\.\d+)?|true|false|null)/.exec(this.text.slice(this.at));
    if (!match) this.fail('expected a string, a number, true or false');
    this.at += match[0].length;
    return JSON.parse(match[0]);
  }
}

/** `{…}` blocks and the text between them; braces inside quotes do not count. */
function splitTemplate(text: string): { text: string; expression: boolean }[] {
  const parts: { text: string; expression: boolean }[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{', at);
    if (open === -1) {
      parts.push({ text: text.slice(at), expression: false });
      break;
    }
    if (open > at) parts.push({ text: text.slice(at, open), expression: false });
    let close = open + 1;
    let quote: string | undefined;
    for (; close < text.length; close++) {
      const ch = text.charAt(close);
      if (quote) {
        if (ch === '\\') close++;
        else if (ch === quote) quote = undefined;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '}') break;
    }
    if (close >= text.length) throw new JsonPathError(`unclosed action: a "{" at position ${open + 1} of ${JSON.stringify(text)} has no "}"`);
    parts.push({ text: text.slice(open + 1, close), expression: true });
    at = close + 1;
  }
  return parts;
}

export function parseTemplate(text: string): Template {
  // `-o jsonpath=.items[*].metadata.name` without braces means the one expression, as in kubectl's custom columns.
  const source = text.includes('{') ? text : `{${text}}`;
  const root: Node[] = [];
  const stack: { body: Node[] }[] = [{ body: root }];
  for (const part of splitTemplate(source)) {
    const body = (stack[stack.length - 1] as { body: Node[] }).body;
    if (!part.expression) {
      body.push({ kind: 'text', text: part.text });
      continue;
    }
    const expression = part.text.trim();
    if (expression === 'end') {
      if (stack.length === 1) throw new JsonPathError(`{end} without a {range …} in ${JSON.stringify(text)}`);
      stack.pop();
    } else if (/^range\s/.test(expression)) {
      const parser = new PathParser(expression.slice(5).trim(), text);
      const node: Node = { kind: 'range', path: parser.path(''), body: [] };
      body.push(node);
      stack.push(node);
    } else if (/^["']/.test(expression)) {
      body.push({ kind: 'text', text: new PathParser(expression, text).stringLiteral() });
    } else {
      const parser = new PathParser(expression, text);
      body.push({ kind: 'path', path: parser.path('') });
    }
  }
  if (stack.length > 1) throw new JsonPathError(`a {range …} has no {end} in ${JSON.stringify(text)}`);
  return { nodes: root };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObject(value)) return Object.values(value);
  return [];
}

function descendants(value: unknown, name: string | undefined, found: unknown[]): void {
  if (isObject(value)) {
    if (name !== undefined && Object.hasOwn(value, name)) found.push(value[name]);
    else if (name === undefined) found.push(...Object.values(value));
  }
  for (const child of children(value)) descendants(child, name, found);
}

function compare(left: unknown, operator: string | undefined, right: unknown): boolean {
  if (operator === undefined) return left !== undefined && left !== null && left !== false && left !== '';
  if (operator === '==') return left === right;
  if (operator === '!=') return left !== right;
  if (typeof left !== typeof right || (typeof left !== 'number' && typeof left !== 'string')) return false;
  const [a, b] = [left, right as number | string];
  if (operator === '<') return a < b;
  if (operator === '<=') return a <= b;
  if (operator === '>') return a > b;
  return a >= b;
}

function evaluate(path: Path, root: unknown, current: unknown): unknown[] {
  let values = [path.fromRoot ? root : current];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const value of values) {
      switch (step.kind) {
        case 'field':
          if (isObject(value) && Object.hasOwn(value, step.name)) next.push(value[step.name]);
          break;
        case 'fields':
          for (const name of step.names) if (isObject(value) && Object.hasOwn(value, name)) next.push(value[name]);
          break;
        case 'wildcard':
          next.push(...children(value));
          break;
        case 'recursive':
          descendants(value, step.name, next);
          break;
        case 'index':
          if (Array.isArray(value)) {
            const item: unknown = value[step.index < 0 ? value.length + step.index : step.index];
            if (item !== undefined) next.push(item);
          }
          break;
        case 'slice':
          if (Array.isArray(value)) next.push(...(value as unknown[]).slice(step.start ?? 0, step.end ?? value.length));
          break;
        case 'filter':
          for (const item of children(value)) {
            const found = evaluate(step.path, root, item);
            if (found.some((candidate) => compare(candidate, step.operator, step.value))) next.push(item);
          }
          break;
      }
    }
    values = next;
  }
  return values;
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

function run(nodes: Node[], root: unknown, current: unknown): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'path') out += evaluate(node.path, root, current).map(formatValue).join(' ');
    else for (const item of evaluate(node.path, root, current)) out += run(node.body, root, item);
  }
  return out;
}

export function executeTemplate(template: Template, data: unknown): string {
  return run(template.nodes, data, data);
}

/** The values one expression (`.a.b` or `{.a.b}`) finds in `data`, for printer columns and --sort-by. */
export function findValues(expression: string, data: unknown): unknown[] {
  const inner = expression.trim().replace(/^\{(.*)\}$/s, '$1');
  return evaluate(new PathParser(inner, expression).path(''), data, data);
}

/** Throws JsonPathError when `expression` is no single path. */
export function checkExpression(expression: string): void {
  findValues(expression, {});
}
