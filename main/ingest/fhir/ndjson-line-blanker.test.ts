import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NdjsonLineBlanker } from './ndjson-line-blanker.ts';

/** Runs `text` through a blanker in chunks cut at the given byte offsets; returns the decoded result. */
function blank(text: string, cuts: number[], keep: (n: number, line: string) => boolean, isNdjson = true): string {
  const bytes = Buffer.from(text);
  const blanker = new NdjsonLineBlanker((n, b, start, end) => keep(n, b.toString('utf8', start, end)));
  const parts: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    // A reused input buffer, as the file reader's: the blanker must not keep it.
    const chunk = Buffer.from(bytes.subarray(from, cut));
    parts.push(Buffer.from(blanker.transform(chunk, isNdjson)));
    chunk.fill(0);
    from = cut;
  }
  return Buffer.concat(parts).toString('utf8');
}

test('declined lines are emptied, kept lines stay whole at their line numbers, and lines cut by a chunk stay', () => {
  const lines = Array.from({ length: 400 }, (_, i) => `{"resourceType":"${i % 7 === 0 ? 'Patient' : 'Observation'}","id":"é${i}","n":${'x'.repeat(i % 13)}}`);
  const text = `${lines.join('\n')}\n`;
  const keep = (n: number, line: string) => n % 2 === 0 || line.includes('"Patient"');
  for (const cuts of [[], [1], [37, 38, 1000, 5003], Array.from({ length: 60 }, (_, i) => 17 + i * 211)]) {
    const out = blank(text, cuts, keep).split('\n');
    assert.equal(out.length, lines.length + 1, 'every newline stays');
    const boundaryLines = new Set<number>();
    for (const cut of cuts) boundaryLines.add(Buffer.from(text).subarray(0, cut).toString('utf8').split('\n').length);
    lines.forEach((line, i) => {
      const n = i + 1;
      if (keep(n, line) || boundaryLines.has(n) || n === 1) assert.equal(out[i], line, `line ${n} (cuts ${cuts.length})`);
      else assert.equal(out[i], '', `line ${n} is emptied`);
    });
  }
});

test('nothing is touched while the content is not known to be NDJSON, but lines are still counted', () => {
  const text = '{\n  "resourceType": "Bundle",\n  "entry": []\n}\n';
  assert.equal(blank(text, [5, 20], () => false, false), text);
  const blanker = new NdjsonLineBlanker((n) => n === 4);
  blanker.transform(Buffer.from('a\nb\n'), false);
  assert.equal(blanker.transform(Buffer.from('c\nd\ne\nf'), true).toString(), 'c\nd\n\nf', 'line numbers continue across the switch');
});
