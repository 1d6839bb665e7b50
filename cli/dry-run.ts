import { CliError } from './client/errors.js';

export type DryRun = 'none' | 'client' | 'server';

/** --dry-run, --dry-run=client, --dry-run=server or --dry-run=none, as kubectl takes it (bare means client). */
export function dryRunOf(value: string | boolean | undefined): DryRun {
  if (value === undefined || value === false) return 'none';
  if (value === true) return 'client';
  if (value === 'none' || value === 'client' || value === 'server') return value;
  throw new CliError(`Invalid dry-run value (${value}). Must be "none", "server", or "client".`);
}

/** What kubectl adds to its messages in a dry run. */
export function dryRunSuffix(dryRun: DryRun): string {
  return dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
}
