// What every client command needs: the API client built from the global flags (--server,
// --token, --request-timeout, and CAMLET_SERVER), and the clock ages are computed against.
import type { Command } from 'commander';
import { ApiClient } from './client/api-client.js';
import { CliError } from './client/errors.js';
import { DurationError, parseDuration } from '../lib/duration.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:5001';

export interface GlobalFlags {
  server?: string;
  token?: string;
  requestTimeout?: string;
}

export interface CliContext {
  client: ApiClient;
  now(): number;
  out(text: string): void;
}

/** http://host:port from what a user types: `host:port`, a URL, with or without a trailing slash. */
export function serverUrl(value: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CliError(`--server ${JSON.stringify(value)} is not an address: give host:port or http://host:port`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--server ${JSON.stringify(value)}: only http:// and https:// are supported`);
  return url.toString().replace(/\/+$/, '');
}

export function contextOf(command: Command): CliContext {
  const flags = command.optsWithGlobals<GlobalFlags>();
  let timeoutMs: number;
  try {
    timeoutMs = parseDuration(flags.requestTimeout ?? '0', { bareSeconds: true });
  } catch (error) {
    if (error instanceof DurationError) throw new CliError(`--request-timeout: ${error.message}`);
    throw error;
  }
  const server = serverUrl(flags.server ?? process.env.CAMLET_SERVER ?? DEFAULT_SERVER);
  return {
    client: new ApiClient({ server, token: flags.token || undefined, timeoutMs }),
    now: () => Date.now(),
    out: (text) => void process.stdout.write(text),
  };
}
