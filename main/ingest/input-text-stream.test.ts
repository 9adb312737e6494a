import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readInputText } from './input-text-stream.ts';

test('text comes in pieces of at most 64 KB of input; characters split across reads and pieces stay whole', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'input-text-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // 3- and 4-byte characters at every offset modulo 64 KB sooner or later: 7 bytes per unit.
  const text = '\uFEFF' + 'ab€😀'.repeat(150_000);
  const plain = join(dir, 'plain.txt');
  const gzipped = join(dir, 'text.gz');
  await writeFile(plain, text);
  await writeFile(gzipped, gzipSync(text));
  for (const [path, chunkBytes] of [[plain, undefined], [plain, 100_003], [gzipped, undefined]] as const) {
    const pieces: string[] = [];
    for await (const piece of readInputText(path, { chunkBytes })) pieces.push(piece);
    assert.equal(pieces.join(''), text.slice(1), `${path} ${chunkBytes}: the BOM is dropped and nothing else`);
    const largest = Math.max(...pieces.map((p) => Buffer.byteLength(p)));
    // A piece may begin with the up to 3 bytes of a character the previous piece cut.
    assert.ok(largest <= 64 * 1024 + 3, `largest piece ${largest} bytes`);
    assert.ok(pieces.length >= Math.ceil(Buffer.byteLength(text) / (64 * 1024)), `${pieces.length} pieces`);
  }
});
