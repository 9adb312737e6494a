import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrubVcfHeader } from './scrub-vcf-header.ts';

test('keeps only structural lines, rebuilt field by field', () => {
  const { kept, dropped } = scrubVcfHeader([
    '##fileformat=VCFv4.3',
    '##fileDate=20240102',
    '##source=ZZMARK_caller',
    '##reference=file:///home/ZZMARK/GRCh38_full_analysis_set.fa',
    '##contig=<ID=chr1,length=248956422,assembly=GRCh38,md5=abc,URL=file:///ZZMARK/chr1.fa,species="Homo sapiens">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth",Source="ZZMARK",Version="1">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FILTER=<ID=q10,Description="Quality below 10">',
    '##ALT=<ID=DEL,Description="Deletion">',
    '##SAMPLE=<ID=ZZMARK_S1,Genomes=Germline,Description="ZZMARK patient">',
    '##PEDIGREE=<Child=ZZMARK_S1,Mother=ZZMARK_S2>',
    '##bcftools_viewCommand=view ZZMARK.vcf.gz; Date=Tue Jan  2 10:00:00 2024',
    '##GATKCommandLine=<ID=HaplotypeCaller,CommandLine="HaplotypeCaller -I /data/ZZMARK.bam">',
    '##DRAGENCommandLine=<ID=dragen,Version="SW: 07">',
    '##phasing=partial',
    '##unknownThing=ZZMARK',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tZZMARK_S1',
  ]);
  assert.deepEqual(kept, [
    '##fileformat=VCFv4.3',
    '##reference=GRCh38',
    '##contig=<ID=chr1,length=248956422,assembly=GRCh38>',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FILTER=<ID=q10,Description="Quality below 10">',
    '##ALT=<ID=DEL,Description="Deletion">',
  ]);
  assert.equal(dropped, 9);
  assert.ok(!kept.join('\n').includes('ZZMARK'));
});

test('drops free-text INFO/FORMAT fields (String with a variable Number) unless known to be safe', () => {
  const result = scrubVcfHeader([
    '##INFO=<ID=NOTE,Number=.,Type=String,Description="Free text">',
    '##INFO=<ID=GENE,Number=A,Type=String,Description="Gene per allele">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
    '##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakends">',
    '##INFO=<ID=FLAG,Number=0,Type=Flag,Description="A flag">',
    '##FORMAT=<ID=CMT,Number=.,Type=String,Description="Comment">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
  ]);
  assert.deepEqual([...result.droppedInfo].sort(), ['GENE', 'NOTE']);
  assert.deepEqual([...result.droppedFormat], ['CMT']);
  assert.deepEqual([...result.allowedInfo].sort(), ['FLAG', 'MATEID', 'SVTYPE']);
  assert.deepEqual([...result.allowedFormat], ['AD']);
});

test('replaces descriptions that carry paths, URLs, e-mail addresses or dates', () => {
  const { kept } = scrubVcfHeader([
    '##INFO=<ID=A1,Number=1,Type=Integer,Description="From /home/jdoe/db/annot.tsv">',
    '##INFO=<ID=A2,Number=1,Type=Integer,Description="See https://lab.example.org/x">',
    '##INFO=<ID=A3,Number=1,Type=Integer,Description="Curated by jdoe@example.org">',
    '##INFO=<ID=A4,Number=1,Type=Integer,Description="Added 2021-03-04">',
    '##INFO=<ID=A5,Number=1,Type=Integer,Description="Allele count in genotypes, for each ALT allele">',
  ]);
  assert.equal(
    kept.filter((l) => l.includes('Description removed during de-identification')).length,
    4,
  );
  assert.ok(kept[4]!.includes('Allele count in genotypes, for each ALT allele'));
  assert.ok(!kept.join('\n').match(/jdoe|example|2021/));
});
