import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VcfHeaderBuilder } from './vcf-header-parser.ts';
import { detectGenomeBuild } from './detect-genome-build.ts';
import type { VcfHeader } from './vcf-types.ts';

function header(...meta: string[]): VcfHeader {
  const builder = new VcfHeaderBuilder('VCFv4.2');
  meta.forEach((line, i) => assert.equal(builder.addMetaLine(line, i + 2), null));
  const built = builder.finish('#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO', meta.length + 2);
  assert.notEqual(typeof built, 'string');
  return built as VcfHeader;
}

test('chr1 length 248956422 is GRCh38 and 249250621 is GRCh37', () => {
  assert.deepEqual(detectGenomeBuild(header('##contig=<ID=chr1,length=248956422>')), {
    build: 'GRCh38',
    evidence: '##contig chr1 length 248956422 is GRCh38',
    conflict: false,
  });
  assert.equal(detectGenomeBuild(header('##contig=<ID=1,length=249250621>')).build, 'GRCh37');
  assert.equal(detectGenomeBuild(header('##contig=<ID=chrX,length=154913754>')).build, 'NCBI36');
});

test('reference and assembly names identify the build without echoing paths', () => {
  const detected = detectGenomeBuild(
    header('##reference=file:///home/jdoe/refs/GRCh37/human_g1k_v37.fasta'),
  );
  assert.equal(detected.build, 'GRCh37');
  assert.doesNotMatch(detected.evidence, /jdoe|home|fasta/);
  assert.equal(detectGenomeBuild(header('##reference=hg38')).build, 'GRCh38');
  assert.equal(detectGenomeBuild(header('##contig=<ID=chr7,assembly=GRCh38.p14>')).build, 'GRCh38');
});

test('no evidence is unknown; disagreeing evidence is a conflict', () => {
  assert.deepEqual(detectGenomeBuild(header('##contig=<ID=chr1>')).build, 'unknown');
  const conflict = detectGenomeBuild(
    header('##reference=hg19', '##contig=<ID=chr1,length=248956422>'),
  );
  assert.equal(conflict.build, 'unknown');
  assert.equal(conflict.conflict, true);
});
