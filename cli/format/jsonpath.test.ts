import { describe, expect, it } from 'vitest';
import { executeTemplate, findValues, JsonPathError, parseTemplate } from './jsonpath.js';

const list = {
  kind: 'List',
  items: [
    { metadata: { name: 'door', labels: { 'camlet.dev/site': 'home' } }, status: { restarts: 2, conditions: [{ type: 'Ready', status: 'True' }, { type: 'Recording', status: 'False' }] } },
    { metadata: { name: 'yard' }, status: { restarts: 0, conditions: [{ type: 'Ready', status: 'False' }] } },
  ],
};

const run = (template: string, data: unknown = list) => executeTemplate(parseTemplate(template), data);

describe('jsonpath templates', () => {
  it('prints fields, joining several results with spaces', () => {
    expect(run('{.items[*].metadata.name}')).toBe('door yard');
    expect(run('{.items[0].metadata.name}')).toBe('door');
    expect(run('{.items[-1].metadata.name}')).toBe('yard');
    expect(run('{.items[0:1].metadata.name}')).toBe('door');
    expect(run('{$.kind}')).toBe('List');
  });

  it('ranges with literal strings and text', () => {
    expect(run('{range .items[*]}{.metadata.name}:{.status.restarts}{"\\n"}{end}')).toBe('door:2\nyard:0\n');
    expect(run("names: {range .items[*]}[{.metadata.name}]{'\\t'}{end}")).toBe('names: [door]\t[yard]\t');
  });

  it('filters, as the CRD printer columns do', () => {
    expect(run('{.items[0].status.conditions[?(@.type=="Ready")].status}')).toBe('True');
    expect(run('{.items[*].status.conditions[?(@.type=="Recording")].status}')).toBe('False');
    expect(run('{.items[?(@.status.restarts>1)].metadata.name}')).toBe('door');
    expect(run('{.items[?(@.metadata.labels)].metadata.name}')).toBe('door');
  });

  it('reads keys with dots and slashes in brackets, and finds names at any depth', () => {
    expect(run("{.items[0].metadata.labels['camlet.dev/site']}")).toBe('home');
    expect(run('{..name}')).toBe('door yard');
  });

  it('prints nothing for a missing field, and maps as JSON', () => {
    expect(run('{.items[0].spec.nothing}')).toBe('');
    expect(run('{.items[1].metadata}')).toBe('{"name":"yard"}');
  });

  it('takes an expression without braces', () => {
    expect(run('.items[*].metadata.name')).toBe('door yard');
  });

  it('reports malformed templates with the position', () => {
    expect(() => parseTemplate('{.items[}')).toThrow(JsonPathError);
    expect(() => parseTemplate('{range .items[*]}{.a}')).toThrow(/has no \{end\}/);
    expect(() => parseTemplate('{.a')).toThrow(/no "}"/);
    expect(() => parseTemplate('{.a b}')).toThrow(/position 3/);
  });
});

describe('findValues', () => {
  it('takes one path with or without braces', () => {
    expect(findValues('.items[*].status.restarts', list)).toEqual([2, 0]);
    expect(findValues('{.kind}', list)).toEqual(['List']);
  });
});
