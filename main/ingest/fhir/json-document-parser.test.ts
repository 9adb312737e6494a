import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FhirItem } from './fhir-item.ts';
import { JsonDocumentParser } from './json-document-parser.ts';

function parseInChunks(text: string, sizes: () => number): FhirItem[] {
  const parser = new JsonDocumentParser();
  const out: FhirItem[] = [];
  for (let i = 0; i < text.length;) {
    const size = Math.max(1, sizes());
    parser.push(text.slice(i, i + size), out);
    i += size;
  }
  parser.end(out);
  return out;
}

// Escapes, brackets and quotes inside strings are where a splitter goes wrong, more so
// when a chunk boundary falls between a backslash and what it escapes.
const tricky = {
  resourceType: 'Bundle',
  id: 'b\\"}]{[',
  type: 'collection',
  entry: [
    {
      fullUrl: 'urn:uuid:1',
      resource: { resourceType: 'Patient', id: '1', text: { div: '<div>"]}\\\\</div>' } },
    },
    {
      resource: {
        resourceType: 'Observation',
        note: [{ text: 'ends with backslash \\' }, { text: '\\"' }],
        valueInteger: -12,
      },
    },
    {
      resource: {
        resourceType: 'Basic',
        extension: [{ url: 'x', valueString: '\u00e9\ud83d\ude00\\u0041' }],
      },
    },
  ],
};

test('splits entries identically whatever the chunk boundaries', () => {
  for (const text of [JSON.stringify(tricky), JSON.stringify(tricky, null, 3)]) {
    const reference = parseInChunks(text, () => text.length);
    assert.equal(reference.length, 3);
    assert.deepEqual(
      reference.map((item) => item.ok && item.resource),
      tricky.entry.map((entry) => entry.resource),
    );
    assert.deepEqual(
      parseInChunks(text, () => 1),
      reference,
    );
    let seed = 7;
    for (let round = 0; round < 50; round++) {
      assert.deepEqual(
        parseInChunks(text, () => (seed = (seed * 48271) % 2147483647) % 17),
        reference,
      );
    }
  }
});

test('reports entry line numbers and a structural error line whatever the chunking', () => {
  const text =
    '{\n"resourceType": "Bundle",\n"entry": [\n{"resource": {"resourceType": "Patient"}},\n\n  {"resource": {"resourceType": "Patient"}}\n  }';
  for (const size of [1, 2, 5, text.length]) {
    const items = parseInChunks(text, () => size);
    assert.deepEqual(
      items.map((item) => item.position),
      ['entry 1 (line 4)', 'entry 2 (line 6)', 'line 7'],
    );
    const last = items[2];
    assert.ok(last && !last.ok);
    assert.equal(last.reason, "malformed JSON at column 3: expected ',' or ']'");
  }
});

test('a missing value is reported where it is missing', () => {
  const cases: [string, string][] = [
    ['{"resourceType": "Bundle", "type": }', 'malformed JSON at column 36: expected a value'],
    ['{"resourceType": "Bundle", "entry": [ } ]}', 'malformed JSON at column 39: expected a value'],
    [
      '{"resourceType": "Bundle", "entry": [ 1, , 2 ]}',
      "malformed JSON at column 42: unexpected ','",
    ],
  ];
  for (const [text, reason] of cases) {
    assert.deepEqual(
      parseInChunks(text, () => text.length)
        .filter((item) => !item.ok && item.position.startsWith('line'))
        .map((item) => !item.ok && item.reason),
      [reason],
      text,
    );
  }
});
