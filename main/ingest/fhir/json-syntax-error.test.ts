import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeMalformedJson, findJsonSyntaxError } from './json-syntax-error.ts';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

test('names the kind and place of common errors', () => {
  const cases: [string, number, string][] = [
    ['{"a": 1,}', 8, 'trailing comma'],
    ['[1, 2,]', 6, 'trailing comma'],
    ['{"a": John}', 6, 'unexpected character'],
    ['{"a": "x', 8, 'unterminated string'],
    ['{"a": "x\ty"}', 8, 'control character in string'],
    ['{"a": "\\x"}', 7, 'invalid escape sequence'],
    ['{"a": 01}', 6, 'invalid number'],
    ['{"a" 1}', 5, "expected ':'"],
    ['{"a": 1 "b": 2}', 8, "expected ',' or '}'"],
    ['{a: 1}', 1, 'expected a property name'],
    ['{"a": [1}', 8, "expected ',' or ']'"],
    ['{} x', 3, 'content after the JSON value'],
    ['{"a": [', 7, 'unexpected end of input'],
  ];
  for (const [text, offset, kind] of cases) {
    assert.equal(parses(text), false, text);
    assert.deepEqual(findJsonSyntaxError(text), { offset, kind }, text);
  }
  assert.equal(
    describeMalformedJson('{\n  "a": 1,\n}', 10),
    'malformed JSON at line 12, column 1: trailing comma',
  );
  assert.equal(
    describeMalformedJson('{"a": x}', 3, 1, false),
    'malformed JSON at column 7: unexpected character',
  );
});

test('agrees with JSON.parse on valid and randomly damaged documents', () => {
  const valid = JSON.stringify({
    resourceType: 'Observation',
    valueQuantity: { value: -1.5e3, unit: 'mm[Hg]' },
    note: [{ text: 'a "quoted" \\ back\u00e9 \ud83d\ude00 \n' }],
    flags: [true, false, null, 0, 12.25],
  });
  assert.equal(findJsonSyntaxError(valid), null);
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const alphabet = '{}[]":,\\ -.0123456789eEtrufalsn\tx\u0001';
  for (let i = 0; i < 5000; i++) {
    const chars = [...valid];
    for (let edits = 1 + random(3); edits > 0; edits--) {
      const at = random(chars.length);
      const op = random(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, alphabet.charAt(random(alphabet.length)));
      else chars[at] = alphabet.charAt(random(alphabet.length));
    }
    const text = chars.join('');
    assert.equal(findJsonSyntaxError(text) === null, parses(text), text);
  }
});
