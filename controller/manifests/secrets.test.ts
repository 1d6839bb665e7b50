import { describe, expect, it } from 'vitest';
import { resolveReferences, type Resolution } from './secrets.js';

function resolved(resolution: Resolution): { value: string; secrets: string[] } {
  if (!resolution.ok) throw new Error(`expected a resolution, got: ${resolution.message}`);
  return { value: resolution.value, secrets: resolution.secrets };
}

function problem(resolution: Resolution): string {
  if (resolution.ok) throw new Error(`expected a problem, got ${resolution.value}`);
  return resolution.message;
}

describe('resolveReferences', () => {
  it('leaves text without references as it is', () => {
    expect(resolved(resolveReferences('rtsp://10.0.0.5:554/stream1', {}))).toEqual({ value: 'rtsp://10.0.0.5:554/stream1', secrets: [] });
  });

  it('substitutes every reference and returns the values as secrets', () => {
    const environment = { DOOR_USER: 'admin', DOOR_PASSWORD: 'hunter2', DOOR_HOST: '10.0.0.5' };
    expect(resolved(resolveReferences('rtsp://${DOOR_USER}:${DOOR_PASSWORD}@${DOOR_HOST}:554/stream1', environment))).toEqual({
      value: 'rtsp://admin:hunter2@10.0.0.5:554/stream1',
      secrets: ['admin', 'hunter2', '10.0.0.5'],
    });
  });

  it('counts a password written into the URL as a secret, in both its written and decoded forms', () => {
    expect(resolved(resolveReferences('rtsp://admin:p%40ss@10.0.0.5/a', {})).secrets).toEqual(['p%40ss', 'p@ss']);
    expect(resolved(resolveReferences('rtsp://admin:plain@10.0.0.5/a', {})).secrets).toEqual(['plain']);
    // A stray % is no escape: the password is as written.
    expect(resolved(resolveReferences('rtsp://admin:100%@10.0.0.5/a', {})).secrets).toEqual(['100%']);
  });

  it('counts credentials passed in the query as secrets', () => {
    const resolution = resolveReferences('rtsp://10.0.0.5:88/videoMain?usr=admin&pwd=${FOSCAM_PWD}', { FOSCAM_PWD: 'p%40ss' });
    expect(resolution).toEqual({ ok: true, value: 'rtsp://10.0.0.5:88/videoMain?usr=admin&pwd=p%40ss', secrets: ['p%40ss', 'p@ss'] });
  });

  it('lists each secret once', () => {
    const result = resolved(resolveReferences('rtsp://admin:${PW}@10.0.0.5/${PW}', { PW: 'hunter2' }));
    expect(result.value).toBe('rtsp://admin:hunter2@10.0.0.5/hunter2');
    expect(result.secrets).toEqual(['hunter2']);
  });

  it('inserts values literally, $ patterns and all', () => {
    const result = resolved(resolveReferences('rtsp://admin:${PW}@h/a', { PW: "$&$1$'x" }));
    expect(result.value).toBe("rtsp://admin:$&$1$'x@h/a");
  });

  it('does not resolve again inside a substituted value', () => {
    const result = resolved(resolveReferences('rtsp://${A}/x', { A: '${B}', B: 'nope' }));
    expect(result.value).toBe('rtsp://${B}/x');
  });

  it('accepts an empty value but keeps it out of the secrets', () => {
    expect(resolved(resolveReferences('rtsp://admin:${PW}@h/a', { PW: '' }))).toEqual({ value: 'rtsp://admin:@h/a', secrets: [] });
  });

  it('names an unset variable', () => {
    expect(problem(resolveReferences('rtsp://admin:${DOOR_PASSWORD}@h/a', { OTHER: 'x' }))).toBe(
      "environment variable DOOR_PASSWORD is not set in the controller's environment",
    );
  });

  it('names a malformed reference', () => {
    const hint = 'write ${NAME} with a name of letters, digits and _';
    expect(problem(resolveReferences('rtsp://${}@h', {}))).toBe(`malformed reference \${}: ${hint}`);
    expect(problem(resolveReferences('rtsp://${1PW}@h', { '1PW': 'x' }))).toBe(`malformed reference \${1PW}: ${hint}`);
    expect(problem(resolveReferences('rtsp://${DOOR-PW}@h', {}))).toBe(`malformed reference \${DOOR-PW}: ${hint}`);
    expect(problem(resolveReferences('rtsp://admin:${PW@h/a', { PW: 'x' }))).toBe(`malformed reference \${PW@h/a: ${hint}`);
  });

  it('reports every problem, in order, joined', () => {
    expect(problem(resolveReferences('rtsp://${USER}:${PW@h', { USER: 'admin' }))).toBe(
      'malformed reference ${PW@h: write ${NAME} with a name of letters, digits and _',
    );
    expect(problem(resolveReferences('rtsp://${A}:${B}@${1C}/x', {}))).toBe(
      "environment variable A is not set in the controller's environment; " +
        "environment variable B is not set in the controller's environment; " +
        'malformed reference ${1C}: write ${NAME} with a name of letters, digits and _',
    );
  });

  it('leaves a $ without a brace alone', () => {
    expect(resolved(resolveReferences('rtsp://h/a?price=$5&x=$PW', { PW: 'x' })).value).toBe('rtsp://h/a?price=$5&x=$PW');
  });
});
