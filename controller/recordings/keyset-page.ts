import type { Database, Statement } from 'better-sqlite3';
import { encodeContinueToken, type ListPosition } from './continue-token.js';

/** One page's SQL (it asks for limit + 1 rows: the extra one says a next page exists). */
export interface PageStatement {
  sql: string;
  params: Record<string, unknown>;
  limit: number;
  fingerprint: string;
}

/**
 * Runs a keyset-paginated list's page: its statement prepared once per distinct SQL (one per
 * combination of filters) and kept in `prepared`, its rows turned into items, and a continue
 * token after the last one when more rows follow.
 */
export function keysetPage<Row, Item>(
  db: Database,
  prepared: Map<string, Statement<[Record<string, unknown>], Row>>,
  page: PageStatement,
  fromRow: (row: Row) => Item,
  positionOf: (item: Item) => ListPosition,
): { items: Item[]; continue?: string } {
  let statement = prepared.get(page.sql);
  if (!statement) {
    statement = db.prepare<[Record<string, unknown>], Row>(page.sql);
    prepared.set(page.sql, statement);
  }
  const rows = statement.all(page.params);
  const items = rows.slice(0, page.limit).map(fromRow);
  const last = items.at(-1);
  return rows.length > page.limit && last !== undefined ? { items, continue: encodeContinueToken(positionOf(last), page.fingerprint) } : { items };
}
