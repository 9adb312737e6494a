import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowlist,
  applyAllowlist,
  backbone,
  codes,
  fullDateDay,
  type AllowlistScope,
  type JsonObject,
} from './element-allowlist.ts';
import { epochDay } from './pseudonym-key.ts';

const scope: AllowlistScope = {
  shiftDays: -400,
  reference: (r) => ({ reference: `opaque:${String(r.reference).length}` }),
  dicomUid: () => '2.25.1',
};

function rebuild(source: JsonObject, rules: Parameters<typeof allowlist>[0]): JsonObject {
  const out: JsonObject = {};
  applyAllowlist(source, allowlist(rules), scope, out);
  return out;
}

test('only allowlisted elements are copied, each through its datatype converter', () => {
  const out = rebuild(
    {
      a: true,
      b: 'ZZDROPPED-MARKER-4',
      c: { coding: [{ system: 's', code: 'c', display: 'd', version: '1' }], text: 't' },
      d: '2020-01-02T03:04:05Z',
      constructor: 'x',
    },
    { a: 'boolean', c: 'codeableConcept', d: 'date' },
  );
  assert.deepEqual(out, {
    a: true,
    c: { coding: [{ system: 's', code: 'c' }] },
    d: epochDay('2020-01-02')! - 400,
  });
});

test('values of the wrong type and empty backbones are dropped', () => {
  const out = rebuild(
    {
      n: '12',
      flag: 'true',
      status: 'done',
      bb: { junk: 1 },
      list: [{ code: 'x' }, 'text', { code: 42 }],
    },
    {
      n: 'integer',
      flag: 'boolean',
      status: codes('final'),
      bb: backbone({ kept: 'boolean' }),
      list: 'coding',
    },
  );
  assert.deepEqual(out, { list: [{ code: 'x' }] });
});

test('without a shift no date survives', () => {
  const out: JsonObject = {};
  applyAllowlist(
    { d: '2020-01-02', p: { start: '2020-01-01', end: '2020-01-03' } },
    allowlist({ d: 'date', p: 'period' }),
    { ...scope, shiftDays: null },
    out,
  );
  assert.deepEqual(out, {});
});

test('the fast date path gives exactly epochDay for every month and day, leap years and overflow included', () => {
  for (const year of [100, 1600, 1899, 1900, 1969, 1970, 2000, 2023, 2024, 2100, 9999]) {
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) {
        const value = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00+05:00`;
        assert.equal(fullDateDay(value), epochDay(value), value);
      }
    }
  }
  assert.equal(fullDateDay('2020-01'), undefined);
  assert.equal(fullDateDay('0050-01-01'), undefined, 'years before 100 go through Date.UTC');
  assert.equal(fullDateDay('2020-0a-01'), undefined);
});
