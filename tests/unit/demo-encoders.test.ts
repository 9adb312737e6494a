// The hand-written encoders: BGZF blocks and DICOM RLE Lossless; and the seeded PRNG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { BGZF_EOF, BgzfWriter } from '../../main/demo/bgzf-writer.ts';
import { decodeRleFrame, encodeRleFrame } from '../../main/demo/rle-lossless.ts';
import { SeededRandom } from '../../main/demo/seeded-random.ts';

test('writes BGZF: gzip members under 64 KiB with a correct BSIZE, then the EOF block', async () => {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const writer = new BgzfWriter(sink);
  const rng = SeededRandom.derive('bgzf');
  const text = Array.from({ length: 9000 }, (_, i) => `chr1\t${i}\t${rng.hex(12)}\n`).join('');
  await writer.write(text.slice(0, 1000));
  await writer.write(text.slice(1000));
  await writer.close();
  const bytes = Buffer.concat(chunks);
  assert.equal(gunzipSync(bytes).toString(), text);
  let offset = 0;
  let blocks = 0;
  while (offset < bytes.length) {
    assert.deepEqual([...bytes.subarray(offset, offset + 4)], [0x1f, 0x8b, 8, 4]);
    assert.equal(bytes.subarray(offset + 12, offset + 14).toString(), 'BC');
    const size = bytes.readUInt16LE(offset + 16) + 1;
    assert.ok(size <= 65536);
    offset += size;
    blocks++;
  }
  assert.equal(offset, bytes.length);
  assert.ok(blocks >= 3);
  assert.ok(bytes.subarray(-28).equals(BGZF_EOF));
});

test('round-trips RLE Lossless frames for 16-bit grey and 8-bit colour', () => {
  const rng = SeededRandom.derive('rle');
  for (const [rows, columns, samples, bytes] of [[32, 32, 1, 2], [17, 23, 3, 1], [1, 300, 1, 2]] as const) {
    const pixels = new Uint8Array(rows * columns * samples * bytes);
    for (let i = 0; i < pixels.length; i++) pixels[i] = rng.chance(0.6) ? 0 : rng.int(0, 255);
    const encoded = encodeRleFrame(pixels, rows, columns, samples, bytes);
    assert.equal(new DataView(encoded.buffer).getUint32(0, true), samples * bytes, 'one segment per byte plane');
    assert.equal(encoded.length % 2, 0);
    assert.deepEqual(decodeRleFrame(encoded, rows, columns, samples, bytes), pixels);
  }
});

test('gives the same stream for the same labels and another for different ones', () => {
  const a = SeededRandom.derive(42, 'dkfz', 'patient', 1);
  const b = SeededRandom.derive(42, 'dkfz', 'patient', 1);
  const c = SeededRandom.derive(42, 'dkfz', 'patient', 2);
  const draw = (r: SeededRandom) => [r.nextUint32(), r.next(), r.normal(), r.int(3, 9), r.uuid()];
  assert.deepEqual(draw(a), draw(b));
  assert.notDeepEqual(draw(SeededRandom.derive(42, 'dkfz', 'patient', 1)), draw(c));
  const r = SeededRandom.derive('ranges');
  for (let i = 0; i < 2000; i++) {
    const u = r.next();
    const k = r.int(-2, 2);
    assert.ok(u >= 0 && u < 1 && k >= -2 && k <= 2 && Number.isInteger(k));
  }
  assert.match(r.uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
