// Generates resources/dicom/ps36-vr-dictionary.json, the runtime copy of the PS3.6 data
// dictionary's VR column, from dcmjs's packed dictionary. The reader needs only tag -> VR; loading
// all of dcmjs (1.1 MB of code) for it cost every de-identification and import thread ~40 ms of
// start-up and ~20 MB. Scanning every element of every standard group takes several seconds, so
// the table is generated once and checked against dcmjs by the tests.
// Usage: node --import tsx main/ingest/dicom/build-vr-dictionary.ts [out.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import dcmjs from 'dcmjs';

/** dcmjs's own VR codes are kept (`ox`, `xs`, `lt`, `up`, `na`); value-representation.ts resolves them. */
export interface VrDictionaryResource {
  standard: string;
  source: string;
  generatedBy: string;
  /** `GGGGEEEE` (upper-case hex) -> VR: every tag found in a group dcmjs names a tag in. */
  tags: Record<string, string>;
  /** Repeating groups: [first group, last group, element, VR], e.g. the curves (50xx,0005); consulted after `tags`. */
  ranges: [number, number, number, string][];
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

/** dcmjs's entry for a tag, looked up the way dcmjs itself does ('(GGGG,EEEE)'). */
export function dcmjsVr(group: number, element: number): string | undefined {
  return dcmjs.data.DicomMetaDictionary.dictionary[`(${hex4(group)},${hex4(element)})`]?.vr;
}

/** Every tag dcmjs names, by its name map (which loses a few tags whose names collide). */
export function dcmjsNamedTags(): { group: number; element: number; vr: string }[] {
  return Object.values(dcmjs.data.DicomMetaDictionary.nameMap).map((entry) => ({
    group: Number.parseInt(entry.tag.slice(1, 5), 16),
    element: Number.parseInt(entry.tag.slice(6, 10), 16),
    vr: entry.vr,
  }));
}

export function buildVrDictionary(): VrDictionaryResource {
  const named = dcmjsNamedTags();
  const groups = [...new Set(named.map((t) => t.group))].sort((a, b) => a - b);
  // Every element of every group dcmjs names a tag in: the name map alone misses tags whose
  // names collide (three in dcmjs 0.51, e.g. (7FE0,0011)).
  const found: { group: number; element: number; vr: string }[] = [];
  for (const group of groups) {
    for (let element = 0; element <= 0xffff; element++) {
      const vr = dcmjsVr(group, element);
      if (vr !== undefined) found.push({ group, element, vr });
    }
  }
  // Standard groups are even; dcmjs answers the odd groups only inside a repeating-group range
  // (which covers every group from its first to its last). Such a range is walked out from the
  // tag the scan found, so every group it is said to cover was asked of dcmjs.
  const tags: Record<string, string> = {};
  const ranges: [number, number, number, string][] = [];
  for (const { group, element, vr } of found) {
    tags[hex4(group) + hex4(element)] = vr;
    const oddNeighbour = dcmjsVr(group + 1, element) ?? (group > 0 ? dcmjsVr(group - 1, element) : undefined);
    if (oddNeighbour === undefined) continue;
    let first = group;
    while (first > 0 && dcmjsVr(first - 1, element) === vr) first--;
    let last = group;
    while (last < 0xffff && dcmjsVr(last + 1, element) === vr) last++;
    if (!ranges.some(([a, b, e]) => a === first && b === last && e === element)) ranges.push([first, last, element, vr]);
  }
  const packageJson = resolve(repoRoot, 'node_modules/dcmjs/package.json');
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  return {
    standard: 'DICOM PS3.6 Data Dictionary, VR column',
    source: `dcmjs ${version} DicomMetaDictionary (MIT)`,
    generatedBy: 'main/ingest/dicom/build-vr-dictionary.ts',
    tags,
    ranges,
  };
}

export const VR_DICTIONARY_RESOURCE = resolve(repoRoot, 'resources/dicom/ps36-vr-dictionary.json');

/** One range per line and the tags in rows of eight: reviewable in a diff, small to ship. */
export function serializeVrDictionary(table: VrDictionaryResource): string {
  const entries = Object.entries(table.tags).map(([tag, vr]) => `${JSON.stringify(tag)}:${JSON.stringify(vr)}`);
  const rows: string[] = [];
  for (let i = 0; i < entries.length; i += 8) rows.push(`    ${entries.slice(i, i + 8).join(', ')}`);
  return [
    '{',
    `  "standard": ${JSON.stringify(table.standard)},`,
    `  "source": ${JSON.stringify(table.source)},`,
    `  "generatedBy": ${JSON.stringify(table.generatedBy)},`,
    '  "ranges": [',
    table.ranges.map((range) => `    ${JSON.stringify(range)}`).join(',\n'),
    '  ],',
    '  "tags": {',
    rows.join(',\n'),
    '  }',
    '}',
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [outPath = VR_DICTIONARY_RESOURCE] = process.argv.slice(2);
  const table = buildVrDictionary();
  writeFileSync(outPath, serializeVrDictionary(table));
  console.log(`Wrote ${Object.keys(table.tags).length} tags and ${table.ranges.length} repeating-group ranges (${table.source}) to ${outPath}`);
}
