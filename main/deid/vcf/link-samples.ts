// Links VCF sample columns to patient pseudonyms (ARCHITECTURE.md "Pseudonyms": the same MRN gives the
// same pseudonym from FHIR, DICOM and VCF). Unlinked samples are reported by column, never by name.
import { patientPseudonym } from '../pseudonym-key.ts';
import type { PseudonymKey } from '../pseudonym-key.ts';
import type { SampleSheet } from './sample-sheet.ts';

/** A sample column that belongs to a known patient. */
export interface LinkedSample {
  readonly sampleIndex: number;
  readonly pseudonym: string;
}

/** A sample column that is not imported, and why (the reason never contains the sample id). */
export interface UnlinkedSample {
  readonly sampleIndex: number;
  readonly reason: string;
}

export interface SampleLinks {
  readonly linked: LinkedSample[];
  readonly unlinked: UnlinkedSample[];
}

/**
 * Maps each sample column to a pseudonym: through the sample sheet when given, else the sample id is
 * taken as the MRN value in `defaultMrnSystem`. A second column for the same patient is not linked
 * (one genotype set per patient and file).
 */
export function linkSamples(
  sampleIds: readonly string[],
  sheet: SampleSheet | null,
  key: PseudonymKey,
  defaultMrnSystem: string,
): SampleLinks {
  const linked: LinkedSample[] = [];
  const unlinked: UnlinkedSample[] = [];
  const firstColumnByPseudonym = new Map<string, number>();
  sampleIds.forEach((rawId, sampleIndex) => {
    const id = rawId.trim();
    if (id === '') {
      unlinked.push({ sampleIndex, reason: 'the sample name is empty' });
      return;
    }
    let system = defaultMrnSystem;
    let value = id;
    if (sheet !== null) {
      const entry = sheet.entries.get(id);
      if (entry === undefined) {
        unlinked.push({ sampleIndex, reason: 'the sample is not listed in the sample sheet' });
        return;
      }
      system = entry.mrnSystem;
      value = entry.mrnValue;
    }
    const pseudonym = patientPseudonym(key, system, value);
    const earlier = firstColumnByPseudonym.get(pseudonym);
    if (earlier !== undefined) {
      unlinked.push({
        sampleIndex,
        reason: `the sample belongs to the same patient as sample column ${earlier + 1}`,
      });
      return;
    }
    firstColumnByPseudonym.set(pseudonym, sampleIndex);
    linked.push({ sampleIndex, pseudonym });
  });
  return { linked, unlinked };
}
