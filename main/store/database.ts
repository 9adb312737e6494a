// better-sqlite3 connections: one writer, readers on their own connections, WAL.
// Distinct ReadableDB/WritableDB types so a read path cannot write (Signal ts/sql/Interface.std.ts).
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlQuery, SqlValue } from './sql.ts';

type Row = Record<string, unknown>;

/** A connection that can only read. */
export interface ReadableDB {
  readonly readonly: true | false;
  all<T = Row>(query: SqlQuery): T[];
  get<T = Row>(query: SqlQuery): T | undefined;
  pluck<T = unknown>(query: SqlQuery): T | undefined;
  close(): void;
}

/** The single writing connection. */
export interface WritableDB extends Omit<ReadableDB, 'readonly'> {
  readonly readonly: false;
  run(query: SqlQuery): { changes: number; lastInsertRowid: number | bigint };
  exec(script: string): void;
  transaction<T>(fn: () => T): T;
  /** A prepared statement for hot loops; its text must be a constant. */
  prepare(text: string): Database.Statement<SqlValue[]>;
  pragma(text: string): unknown;
}

/**
 * Where the native addon lives. Under Electron (its own ABI) we load a copy built for Electron
 * from .native/electron so that the Node build in node_modules keeps working for `npm test`.
 */
function nativeBinding(): string | undefined {
  const explicit = process.env.DATASPACE_SQLITE_BINDING;
  if (explicit) return explicit;
  if (process.versions.electron) {
    const candidate = join(process.env.DATASPACE_APP_ROOT ?? process.cwd(), '.native', 'electron', 'better_sqlite3.node');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function open(file: string, readonly: boolean): Database.Database {
  const binding = nativeBinding();
  const db = new Database(file, { readonly, fileMustExist: readonly, ...(binding ? { nativeBinding: binding } : {}) });
  db.pragma('busy_timeout = 10000');
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  }
  return db;
}

/** Statements kept per connection: preparing costs more than running the small per-record lookups. */
const MAX_CACHED_STATEMENTS = 200;

/** The connection's statement for `text`, prepared once (queries are constant texts with parameters). */
function statementCache(db: Database.Database): (text: string) => Database.Statement<SqlValue[]> {
  const cache = new Map<string, Database.Statement<SqlValue[]>>();
  return (text) => {
    let statement = cache.get(text);
    if (statement === undefined) {
      if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value!);
      statement = db.prepare<SqlValue[]>(text);
      cache.set(text, statement);
    }
    return statement;
  };
}

function wrapReads(db: Database.Database, statement: (text: string) => Database.Statement<SqlValue[]>) {
  return {
    all<T>(query: SqlQuery): T[] {
      return statement(query.text).pluck(false).all(...query.params) as T[];
    },
    get<T>(query: SqlQuery): T | undefined {
      return statement(query.text).pluck(false).get(...query.params) as T | undefined;
    },
    pluck<T>(query: SqlQuery): T | undefined {
      return statement(query.text).pluck(true).get(...query.params) as T | undefined;
    },
    close() {
      db.close();
    },
  };
}

export function openWritable(file: string): WritableDB {
  const db = open(file, false);
  const statement = statementCache(db);
  return {
    readonly: false,
    ...wrapReads(db, statement),
    run(query) {
      const result = statement(query.text).run(...query.params);
      return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
    },
    exec(script) {
      db.exec(script);
    },
    transaction(fn) {
      // BEGIN IMMEDIATE: take the write lock up front, so a transaction that reads before it writes
      // waits for another connection's writer (busy_timeout) instead of failing with SQLITE_BUSY
      // when its read snapshot cannot be upgraded (https://www.sqlite.org/rescode.html#busy_snapshot).
      return db.transaction(fn).immediate();
    },
    prepare(text) {
      return db.prepare<SqlValue[]>(text);
    },
    pragma(text) {
      return db.pragma(text);
    },
  };
}

export function openReadable(file: string): ReadableDB {
  const db = open(file, true);
  return { readonly: true, ...wrapReads(db, statementCache(db)) };
}

/** An in-memory writable database, for migration tests. */
export function openMemory(): WritableDB {
  return openWritable(':memory:');
}

/**
 * Takes SQLite's exclusive lock on `file` (an otherwise unused database) and keeps it until
 * `release()` or the end of the process, when the operating system drops it: a crashed or killed
 * process never leaves a stale lock behind. Returns null at once if another connection holds it,
 * in this process or another.
 */
export function holdExclusiveLock(file: string): { release(): void } | null {
  const binding = nativeBinding();
  const db = new Database(file, { timeout: 0, ...(binding ? { nativeBinding: binding } : {}) });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write transaction takes the lock; in exclusive locking mode it is kept after COMMIT.
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS lock_holder (x); COMMIT;');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
  return { release: () => db.close() };
}
