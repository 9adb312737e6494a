// VCF de-identification: header allowlist (no ##SAMPLE, ##PEDIGREE, command lines, paths or dates; free-text
// INFO/FORMAT fields dropped), sample columns linked to patient pseudonyms through a sample sheet or the
// sample id as MRN, and an optional de-identified BGZF copy that bcftools and tabix read.
export { scrubVcfHeader } from './scrub-vcf-header.ts';
export type { ScrubbedVcfHeader } from './scrub-vcf-header.ts';
export { parseSampleSheet } from './sample-sheet.ts';
export type { SampleSheet, SampleSheetEntry } from './sample-sheet.ts';
export { linkSamples } from './link-samples.ts';
export type { LinkedSample, SampleLinks, UnlinkedSample } from './link-samples.ts';
export { BgzfWriter } from './bgzf-writer.ts';
export { DeidentifiedVcfWriter } from './deidentified-vcf-writer.ts';
