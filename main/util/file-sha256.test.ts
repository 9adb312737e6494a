import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationError } from './errors.ts';
import { sha256OfFile } from './file-sha256.ts';

test('sha256OfFile hashes files of any length across its reads, and stops when cancelled', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'file-sha256-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const bytes of [0, 1, 1024 * 1024, 2.5 * 1024 * 1024 + 7]) {
    const content = randomBytes(bytes);
    const path = join(dir, `f${bytes}`);
    writeFileSync(path, content);
    assert.equal(await sha256OfFile(path), createHash('sha256').update(content).digest('hex'), `${bytes} bytes`);
  }
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(sha256OfFile(join(dir, 'f0'), controller.signal), CancellationError);
});
