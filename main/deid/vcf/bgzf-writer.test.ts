import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BGZF_EOF, BgzfWriter } from './bgzf-writer.ts';

const HAS_BCFTOOLS = spawnSync('bcftools', ['--version'], { stdio: 'ignore' }).status === 0;

/** Walks the members: each has the BC subfield and a BSIZE equal to its length, and fits 64 KiB. */
function members(data: Buffer): number[] {
  const sizes: number[] = [];
  let offset = 0;
  while (offset < data.length) {
    assert.equal(data.readUInt16BE(offset), 0x1f8b);
    assert.equal(data[offset + 3], 4, 'FEXTRA');
    assert.equal(data.toString('latin1', offset + 12, offset + 14), 'BC');
    const size = data.readUInt16LE(offset + 16) + 1;
    assert.ok(size <= 65536);
    sizes.push(size);
    offset += size;
  }
  assert.equal(offset, data.length);
  return sizes;
}

test('writes BGZF members of at most 64 KiB ending with the EOF block, readable by gunzip, bcftools and tabix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgzf-'));
  try {
    const path = join(dir, 'out.vcf.gz');
    const writer = await BgzfWriter.create(path);
    const header =
      '##fileformat=VCFv4.2\n##contig=<ID=chr1,length=248956422>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n';
    writer.write(header);
    let expected = header;
    for (let i = 1; i <= 30000; i++) {
      const line = `chr1\t${i * 10}\trs${i}\tA\tG\t${i % 97}\tPASS\tDP=${i % 1000}\n`;
      writer.write(line);
      expected += line;
      if (writer.needsDrain) await writer.drain();
    }
    await writer.close();
    assert.deepEqual(readdirSync(dir), ['out.vcf.gz'], 'no temporary file remains');
    const data = readFileSync(path);
    const sizes = members(data);
    assert.ok(sizes.length > 3);
    assert.ok(data.subarray(data.length - 28).equals(BGZF_EOF));
    assert.equal(gunzipSync(data).toString('utf8'), expected);
    if (HAS_BCFTOOLS) {
      const view = spawnSync('bcftools', ['view', '-H', path], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      assert.equal(view.status, 0, view.stderr);
      assert.equal(view.stdout.trimEnd().split('\n').length, 30000);
      assert.equal(spawnSync('tabix', ['-p', 'vcf', path]).status, 0);
      const region = spawnSync('tabix', [path, 'chr1:100000-100010'], { encoding: 'utf8' });
      const line = (i: number) =>
        `chr1\t${i * 10}\trs${i}\tA\tG\t${i % 97}\tPASS\tDP=${i % 1000}\n`;
      assert.equal(region.stdout, line(10000) + line(10001));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('abort removes the partial file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgzf-'));
  try {
    const writer = await BgzfWriter.create(join(dir, 'x.vcf.gz'));
    writer.write('x'.repeat(200000));
    await writer.drain();
    await writer.abort();
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
