// Child process of bench-vcf.ts: runs one import over FILE and prints {seconds, cpuSeconds, records, maxRssKb}.
// Usage: node --import tsx main/ingest/vcf/bench-vcf-child.ts FILE hand|gmod
//  hand: the production import core (hand-written tokenizer, summaries, PGx calls).
//  gmod: the same summaries and PGx calls on records parsed by @gmod/vcf (kept here for the comparison).
import VCF from '@gmod/vcf';
import { createPseudonymKey } from '../../deid/pseudonym-key.ts';
import { createPgxCaller } from '../../features/pgx/pgx-caller.ts';
import { importVcfCore } from '../../features/pgx/import-vcf-core.ts';
import { readVcfLines } from './vcf-line-stream.ts';
import { parseGenotype } from './vcf-record-parser.ts';
import { VcfSampleStats } from './vcf-sample-stats.ts';
import type { Genotype, VcfRecord } from './vcf-types.ts';

async function importWithGmod(file: string): Promise<number> {
  const headerLines: string[] = [];
  let parser: VCF | null = null;
  let stats: VcfSampleStats | null = null;
  let caller: ReturnType<typeof createPgxCaller> | null = null;
  let records = 0;
  let lineNo = 0;
  for await (const batch of readVcfLines(file)) {
    for (const text of batch.lines) {
      lineNo += 1;
      if (text === null || text === '') continue;
      if (parser === null) {
        headerLines.push(text);
        if (text.startsWith('#CHROM')) {
          parser = new VCF({ header: headerLines.join('\n') });
          const all = parser.samples.map((_, i) => i);
          stats = new VcfSampleStats(all);
          caller = createPgxCaller({ sampleIndices: all });
        }
        continue;
      }
      const v = parser.parseLine(text);
      const genotypes: (Genotype | null)[] = new Array<Genotype | null>(parser.samples.length).fill(
        null,
      );
      const altCount = v.ALT?.length ?? 0;
      v.processGenotypes((str, start, end, i) => {
        const gt = parseGenotype(str, start, end, altCount);
        genotypes[i] = typeof gt === 'string' ? null : gt;
      });
      const end = v.INFO.END;
      const record: VcfRecord = {
        kind: 'record',
        line: lineNo,
        chrom: v.CHROM ?? '',
        pos: v.POS,
        id: v.ID?.join(';') ?? '.',
        ref: v.REF ?? '',
        alt: v.ALT ?? [],
        qual: v.QUAL === undefined ? '.' : String(v.QUAL),
        filter: Array.isArray(v.FILTER) ? v.FILTER.join(';') : (v.FILTER ?? '.'),
        info: '.',
        end:
          Array.isArray(end) && typeof end[0] === 'number'
            ? end[0]
            : v.POS + (v.REF?.length ?? 1) - 1,
        format: v.FORMAT?.split(':') ?? [],
        samples: v.rest.split('\t'),
        genotypes,
      };
      stats!.add(record);
      caller!.feed(record);
      records += 1;
    }
  }
  caller?.results();
  return records;
}

async function main(): Promise<void> {
  const [file, parser] = process.argv.slice(2);
  if (file === undefined || (parser !== 'hand' && parser !== 'gmod')) {
    console.error('usage: bench-vcf-child.ts FILE hand|gmod');
    process.exit(2);
  }
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let records: number;
  if (parser === 'hand') {
    const key = createPseudonymKey(Buffer.alloc(32, 7));
    records = (await importVcfCore(file, { key, defaultMrnSystem: 'urn:bench:mrn' })).records;
  } else {
    records = await importWithGmod(file);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    JSON.stringify({ seconds, cpuSeconds, records, maxRssKb: process.resourceUsage().maxRSS }),
  );
}

await main();
