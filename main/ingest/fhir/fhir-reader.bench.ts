// Throughput of the FHIR readers and validator on the shared test data, one core.
// Run: node --import tsx main/ingest/fhir/fhir-reader.bench.ts [passes]
// The import pipeline needs >= 25,000 resources/s end to end, so read + parse + validate
// should stay well above 60,000/s here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInputText } from '../input-text-stream.ts';
import { readFhirFile } from './fhir-reader.ts';
import { createFhirValidator } from './fhir-validator.ts';
import type { FhirValidator } from './fhir-validator.ts';

const dataDir = fileURLToPath(new URL('../../../../shared/data/fhir/', import.meta.url));
const passes = Number(process.argv[2] ?? 7);

const datasets = {
  'bulk NDJSON (10 patients)': readdirSync(join(dataDir, 'bulk-ndjson-smart/10-patients'))
    .filter((name) => name.endsWith('.ndjson'))
    .map((name) => join(dataDir, 'bulk-ndjson-smart/10-patients', name)),
  'Synthea bundles (30)': readdirSync(join(dataDir, 'synthea-smart/R4/SYNTHEA')).map((name) =>
    join(dataDir, 'synthea-smart/R4/SYNTHEA', name),
  ),
};

interface PassResult {
  resources: number;
  validated: number;
  chars: number;
}

async function readOnly(files: string[]): Promise<PassResult> {
  let chars = 0;
  for (const file of files) for await (const text of readInputText(file)) chars += text.length;
  return { resources: 0, validated: 0, chars };
}

async function readParse(files: string[], validator?: FhirValidator): Promise<PassResult> {
  let resources = 0;
  let validated = 0;
  for (const file of files) {
    for await (const batch of readFhirFile(file)) {
      for (const item of batch) {
        if (!item.ok) continue;
        resources++;
        if (validator?.supports(item.resource.resourceType as string)) {
          validated++;
          validator.validate(item.resource);
        }
      }
    }
  }
  return { resources, validated, chars: 0 };
}

async function best(run: () => Promise<PassResult>): Promise<{ ms: number; result: PassResult }> {
  let bestMs = Infinity;
  let result: PassResult = { resources: 0, validated: 0, chars: 0 };
  for (let i = 0; i < passes; i++) {
    const started = performance.now();
    result = await run();
    bestMs = Math.min(bestMs, performance.now() - started);
  }
  return { ms: bestMs, result };
}

const validator = createFhirValidator();
console.log(
  `validator startup: ${validator.stats.stored.source} in ${validator.stats.stored.ms.toFixed(0)} ms`,
);
for (const [name, files] of Object.entries(datasets)) {
  const counted = await readParse(files);
  const read = await best(() => readOnly(files));
  const parse = await best(() => readParse(files));
  const full = await best(() => readParse(files, validator));
  const rate = (ms: number): string =>
    `${Math.round((counted.resources / ms) * 1000).toLocaleString('en')}/s`;
  console.log(
    `\n${name}: ${counted.resources} resources, ${(read.result.chars / 1e6).toFixed(1)} M chars`,
  );
  console.log(`  read only             ${read.ms.toFixed(1)} ms  ${rate(read.ms)}`);
  console.log(`  read + parse          ${parse.ms.toFixed(1)} ms  ${rate(parse.ms)}`);
  console.log(
    `  read + parse + validate ${full.ms.toFixed(1)} ms  ${rate(full.ms)} (${full.result.validated} of stored types validated)`,
  );
}
