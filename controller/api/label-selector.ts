// Kubernetes label selectors, as accepted by `?labelSelector=` on the HTTP API and `-l` in the CLI.
// The grammar, the matching rules and the key/value syntax follow k8s.io/apimachinery/pkg/labels,
// so that a selector that works with kubectl works here and means the same thing.

/** A parsed selector: every requirement must hold (AND). */
export interface LabelSelector {
  matches(labels: Readonly<Record<string, string>>): boolean;
  /** Normalized form: requirements in the order given, `==` as `=`, set values sorted and deduplicated. */
  toString(): string;
}

/** A malformed selector; the message is meant for the user and names the 1-based position. */
export class LabelSelectorError extends Error {
  override name = 'LabelSelectorError';
}

// Selectors arrive from untrusted query strings: bound the work one request can cause.
const MAX_SELECTOR_LENGTH = 4096;
const MAX_REQUIREMENTS = 100;

type Operator = 'exists' | 'doesNotExist' | '=' | '!=' | 'in' | 'notin';

interface Requirement {
  key: string;
  operator: Operator;
  /** One value for `=`/`!=`, one or more for `in`/`notin`, none for the existence tests. */
  values: readonly string[];
}

interface Token {
  /** `word` is a key, a value or the `in`/`notin` keyword, depending on where it stands. */
  kind: 'word' | 'symbol' | 'end';
  text: string;
  /** 1-based, as a user counts characters. */
  position: number;
}

// `<` and `>` are not operators here (Kubernetes has `gt`/`lt` for a few internal uses, kubectl
// users do not), but they are lexed as symbols so that `replicas>1` is reported as a bad operator
// rather than as the odd key `replicas>1`.
const SYMBOLS = new Set(['(', ')', ',', '!', '=', '<', '>']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (WHITESPACE.has(ch)) {
      i += 1;
      continue;
    }
    if (SYMBOLS.has(ch)) {
      const pair = text.slice(i, i + 2);
      const symbol = pair === '==' || pair === '!=' ? pair : ch;
      tokens.push({ kind: 'symbol', text: symbol, position: i + 1 });
      i += symbol.length;
      continue;
    }
    // Anything else belongs to a word; characters a key or value may not hold are reported when
    // the word is validated, which gives a clearer message than a lexer error would.
    let end = i + 1;
    while (end < text.length && !SYMBOLS.has(text.charAt(end)) && !WHITESPACE.has(text.charAt(end))) end += 1;
    tokens.push({ kind: 'word', text: text.slice(i, end), position: i + 1 });
    i = end;
  }
  tokens.push({ kind: 'end', text: '', position: text.length + 1 });
  return tokens;
}

function isSymbol(token: Token, symbol: string): boolean {
  return token.kind === 'symbol' && token.text === symbol;
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of string' : `'${token.text}'`;
}

function unexpected(token: Token, expected: string): LabelSelectorError {
  return new LabelSelectorError(`unable to parse requirement: found ${describe(token)}, expected: ${expected} at position ${token.position}`);
}

// Label syntax from Kubernetes (IsQualifiedName, IsValidLabelValue). Lengths are checked before
// the patterns are tried.
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_RULE = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

function nameProblem(name: string, what: string): string | undefined {
  if (name.length > 63) return `${what} must be 63 characters or less`;
  if (!NAME.test(name)) return `${what} ${NAME_RULE}`;
  return undefined;
}

function keyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return "a key may contain at most one '/' (between prefix and name)";
  const [prefixOrName = '', name] = parts;
  if (name === undefined) return nameProblem(prefixOrName, 'name');
  if (prefixOrName === '') return "prefix before '/' must not be empty";
  if (prefixOrName.length > 253) return 'prefix must be 253 characters or less';
  if (!DNS_SUBDOMAIN.test(prefixOrName)) return "prefix must be a lowercase DNS subdomain (e.g. 'camlet.dev')";
  if (name === '') return "name after '/' must not be empty";
  return nameProblem(name, 'name');
}

function valueProblem(value: string): string | undefined {
  return value === '' ? undefined : nameProblem(value, 'value');
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    if (this.peek().kind === 'end') return requirements;
    for (;;) {
      if (requirements.length === MAX_REQUIREMENTS) {
        throw new LabelSelectorError(`too many requirements: at most ${MAX_REQUIREMENTS} are allowed (position ${this.peek().position})`);
      }
      requirements.push(this.requirement());
      const token = this.next();
      if (token.kind === 'end') return requirements;
      if (!isSymbol(token, ',')) throw unexpected(token, "',' or end of string");
    }
  }

  private peek(): Token {
    // The `end` token is never consumed past, so the index stays in range.
    return this.tokens[Math.min(this.index, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private requirement(): Requirement {
    const first = this.next();
    if (isSymbol(first, '!')) return { key: this.key(this.next(), 'label key'), operator: 'doesNotExist', values: [] };
    const key = this.key(first, "label key or '!'");

    const after = this.peek();
    if (after.kind === 'end' || isSymbol(after, ',')) return { key, operator: 'exists', values: [] };
    const operator = this.next();
    if (isSymbol(operator, '=') || isSymbol(operator, '==')) return { key, operator: '=', values: [this.exactValue()] };
    if (isSymbol(operator, '!=')) return { key, operator: '!=', values: [this.exactValue()] };
    // `in` and `notin` are keywords only here, after a key: `in=x` is a requirement on the key `in`.
    if (operator.kind === 'word' && (operator.text === 'in' || operator.text === 'notin')) {
      return { key, operator: operator.text, values: this.valueSet() };
    }
    throw unexpected(operator, "operator (=, ==, !=, in, notin), ',' or end of string");
  }

  private key(token: Token, expected: string): string {
    if (token.kind !== 'word') throw unexpected(token, expected);
    const problem = keyProblem(token.text);
    if (problem) throw new LabelSelectorError(`invalid label key '${token.text}' at position ${token.position}: ${problem}`);
    return token.text;
  }

  private value(token: Token): string {
    const problem = valueProblem(token.text);
    if (problem) throw new LabelSelectorError(`invalid label value '${token.text}' at position ${token.position}: ${problem}`);
    return token.text;
  }

  /** The value after `=`, `==` or `!=`; nothing before `,` or the end means the empty value. */
  private exactValue(): string {
    const token = this.peek();
    if (token.kind === 'end' || isSymbol(token, ',')) return '';
    this.next();
    if (token.kind !== 'word') throw unexpected(token, "value, ',' or end of string");
    return this.value(token);
  }

  /**
   * `(a,b,...)` after `in`/`notin`. Kubernetes reads `()` and an empty item such as `(a,)` as
   * the empty value; we reject them, since they are far more often a typo than an intent.
   */
  private valueSet(): string[] {
    const open = this.next();
    if (!isSymbol(open, '(')) throw unexpected(open, "'('");
    const values: string[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind !== 'word') throw unexpected(token, 'value');
      values.push(this.value(token));
      const separator = this.next();
      if (isSymbol(separator, ')')) return values;
      if (!isSymbol(separator, ',')) throw unexpected(separator, "',' or ')'");
    }
  }
}

function requirementMatches({ key, operator, values }: Requirement, labels: Readonly<Record<string, string>>): boolean {
  // hasOwn, so that a key such as `constructor` is not found on Object.prototype.
  const value = Object.hasOwn(labels, key) ? labels[key] : undefined;
  switch (operator) {
    case 'exists':
      return value !== undefined;
    case 'doesNotExist':
      return value === undefined;
    case '=':
    case 'in':
      return value !== undefined && values.includes(value);
    // As in Kubernetes, an object without the key satisfies `!=` and `notin`.
    case '!=':
    case 'notin':
      return value === undefined || !values.includes(value);
  }
}

function formatRequirement({ key, operator, values }: Requirement): string {
  switch (operator) {
    case 'exists':
      return key;
    case 'doesNotExist':
      return `!${key}`;
    case '=':
    case '!=':
      return `${key}${operator}${values[0] ?? ''}`;
    case 'in':
    case 'notin':
      return `${key} ${operator} (${[...new Set(values)].sort().join(',')})`;
  }
}

/** Parses a selector such as `site=home,tier in (a,b),!disabled`; the empty selector matches everything. */
export function parseLabelSelector(text: string): LabelSelector {
  if (text.length > MAX_SELECTOR_LENGTH) {
    throw new LabelSelectorError(`selector is too long: ${text.length} characters, at most ${MAX_SELECTOR_LENGTH} are allowed`);
  }
  const requirements = new Parser(tokenize(text)).parse();
  return {
    matches: (labels) => requirements.every((requirement) => requirementMatches(requirement, labels)),
    toString: () => requirements.map(formatRequirement).join(','),
  };
}
