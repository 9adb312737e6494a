// The de-identification side of the DICOM benchmark, run in its own process so its peak RSS
// and wall time are measured like gdcmanon's: one directory in, one directory out.
// Usage: node --import tsx main/deid/dicom/bench-dicom-worker.ts <input dir> <output dir> [basic]
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPseudonymKey } from '../pseudonym-key.ts';
import { deidentifyDicom } from './deidentify-dicom.ts';
import { DEFAULT_DICOM_DEID_OPTIONS } from './dicom-deid-options.ts';

/** What one directory run did, without any header content. */
export interface DirectoryRunFigures {
  files: number;
  inputBytes: number;
  processingSeconds: number;
  outcomes: Record<string, number>;
  maxRssKb: number;
}

export function deidentifyDirectory(inputDir: string, outputDir: string): DirectoryRunFigures {
  const key = createPseudonymKey(randomBytes(32));
  const outcomes: Record<string, number> = {};
  let inputBytes = 0;
  const names = readdirSync(inputDir).sort();
  const started = performance.now();
  for (const name of names) {
    const input = readFileSync(join(inputDir, name));
    inputBytes += input.length;
    const result = deidentifyDicom(input, { key, options: DEFAULT_DICOM_DEID_OPTIONS, mrnSystemForIssuer: () => 'urn:oid:2.16.840.1.113883.19.5' });
    outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    if (result.outcome === 'ok') writeFileSync(join(outputDir, name), result.output);
  }
  return {
    files: names.length,
    inputBytes,
    processingSeconds: (performance.now() - started) / 1000,
    outcomes,
    maxRssKb: process.resourceUsage().maxRSS,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [inputDir, outputDir] = process.argv.slice(2);
  if (!inputDir || !outputDir) {
    console.error('usage: bench-dicom-worker.ts <input dir> <output dir>');
    process.exit(2);
  }
  console.log(JSON.stringify(deidentifyDirectory(inputDir, outputDir)));
}
