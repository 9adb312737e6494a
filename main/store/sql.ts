// SQL is written only through this tagged template, which binds every value
// (Signal ts/sql/util.std.ts); identifiers pass through an asserting helper.
import { BugIndicatingError } from '../util/errors.ts';

export type SqlValue = string | number | bigint | null | Buffer | Uint8Array;

/** A statement text with its bound parameters. */
export interface SqlQuery {
  readonly text: string;
  readonly params: SqlValue[];
}

const IDENTIFIER = Symbol('sql-identifier');
interface SqlIdentifier {
  readonly [IDENTIFIER]: string;
}

/** Marks a table or column name as safe to splice; only [A-Za-z_][A-Za-z0-9_]* passes. */
export function sqlId(name: string): SqlIdentifier {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new BugIndicatingError(`Not an SQL identifier: ${JSON.stringify(name)}`);
  }
  return { [IDENTIFIER]: name };
}

function isIdentifier(value: unknown): value is SqlIdentifier {
  return typeof value === 'object' && value !== null && IDENTIFIER in value;
}

function isQuery(value: unknown): value is SqlQuery {
  return typeof value === 'object' && value !== null && 'text' in value && 'params' in value;
}

/** `sql\`SELECT * FROM t WHERE a = ${x}\`` → text with `?` and params [x]. Nested queries splice. */
export function sql(strings: TemplateStringsArray, ...values: (SqlValue | boolean | SqlIdentifier | SqlQuery)[]): SqlQuery {
  let text = strings[0] ?? '';
  const params: SqlValue[] = [];
  values.forEach((value, index) => {
    if (isIdentifier(value)) {
      text += `"${value[IDENTIFIER]}"`;
    } else if (isQuery(value)) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    text += strings[index + 1] ?? '';
  });
  return { text, params };
}
