import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './schema.js';

export interface MigrationResult {
  /** user_version before and after. */
  from: number;
  to: number;
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database at `file` to `target` (the newest by default) by applying the steps after
 * its user_version, each in its own IMMEDIATE transaction with the new user_version, so that a
 * crash or a failing step leaves it at the last whole step. A database newer than this camlet
 * is refused rather than written to: an older program could break what a newer one relies on.
 */
export function migrate(db: Database, file: string, steps: readonly Migration[] = MIGRATIONS, target = steps.length): MigrationResult {
  steps.forEach((step, i) => {
    if (step.version !== i + 1) throw new Error(`schema step ${i} (${step.name}) has version ${step.version}, expected ${i + 1}`);
  });
  if (!Number.isInteger(target) || target < 0 || target > steps.length) throw new Error(`migrate ${file}: target version ${target} is not between 0 and ${steps.length}`);
  const from = schemaVersion(db);
  if (from > steps.length) {
    throw new Error(`${file}: the recordings index has schema version ${from}, newer than this camlet knows (${steps.length}); it was written by a newer camlet`);
  }
  for (const step of steps.slice(from, target)) {
    const apply = db.transaction(() => {
      db.exec(step.sql);
      // user_version lives in the database header, which the transaction covers.
      db.pragma(`user_version = ${step.version}`);
    });
    try {
      apply.immediate();
    } catch (error) {
      throw new Error(`${file}: schema step ${step.version} (${step.name}) failed, the index stays at version ${schemaVersion(db)}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { from, to: Math.max(from, target) };
}
