// The ground truth of each institution: one CSV row per index admission with its features,
// the true linear predictor and probability, and the drawn outcome. It lives in
// <institution>/ground-truth/, outside fhir/, dicom/ and vcf/, so an importer pointed at an
// export folder never sees it. trueMechanismAuroc reads it back.
import { readFileSync } from 'node:fs';
import { diplotypeName } from './pgx-genotype.ts';
import { formatDate, dayOf } from './simulated-patient.ts';
import type { SimIndexAdmission, SimPatient } from './simulated-patient.ts';
import type { SiteProfile } from './site-profile.ts';

export const TRUTH_COLUMNS = [
  'institution', 'patient_id', 'mrn_system', 'mrn_value', 'encounter_id', 'admit_date', 'discharge_date',
  'length_of_stay_days', 'emergency_admission', 'charlson_index', 'prior_ed_visits_6m', 'prior_admissions_12m',
  'discharge_hemoglobin_g_dl', 'discharge_sodium_mmol_l', 'active_medications', 'age_years', 'oncology',
  'clopidogrel_cyp2c19_poor', 'clopidogrel_cyp2c19_intermediate', 'capecitabine_dpyd_reduced',
  'azathioprine_thiopurine_intolerant', 'warfarin_high_sensitivity', 'simvastatin_slco1b1_decreased',
  'site_effect', 'genotyped', 'cyp2c19_diplotype', 'linear_predictor', 'true_probability', 'outcome',
  'readmission_encounter_id', 'days_to_readmission',
] as const;

const bit = (v: boolean) => (v ? '1' : '0');

export function truthHeader(): string {
  return `${TRUTH_COLUMNS.join(',')}\n`;
}

export function truthRow(site: SiteProfile, patient: SimPatient, index: SimIndexAdmission): string {
  const f = index.features;
  const enc = index.encounter;
  const values = [
    site.institution, patient.identity.id, site.mrnSystem, patient.identity.mrn, enc.id,
    formatDate(dayOf(enc.start)), formatDate(dayOf(enc.end!)),
    f.lengthOfStayDays, bit(f.emergencyAdmission), f.charlsonIndex, f.priorEdVisits6m, f.priorAdmissions12m,
    f.dischargeHemoglobinGdl ?? '', f.dischargeSodiumMmolL ?? '', f.activeMedications, f.ageYears, bit(f.oncology),
    bit(f.clopidogrelCyp2c19Poor), bit(f.clopidogrelCyp2c19Intermediate), bit(f.capecitabineDpydReduced),
    bit(f.azathioprineThiopurineIntolerant), bit(f.warfarinHighSensitivity), bit(f.simvastatinSlco1b1Decreased),
    f.siteEffect, bit(patient.genotyped), patient.genotyped ? diplotypeName(patient.diplotypes, 'CYP2C19') : '',
    index.logit.toFixed(6), index.probability.toFixed(6), index.outcome,
    index.readmissionEncounterId ?? '', index.daysToReadmission ?? '',
  ];
  return `${values.join(',')}\n`;
}

/**
 * AUROC of the true probabilities against the outcomes over one or more truth CSVs: the
 * Mann-Whitney U statistic with mid-ranks for ties, divided by (positives x negatives).
 */
export function trueMechanismAuroc(truthCsvPaths: readonly string[]): number {
  const scored: { p: number; y: number }[] = [];
  for (const path of truthCsvPaths) {
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
    const columns = lines[0]!.split(',');
    const pAt = columns.indexOf('true_probability');
    const yAt = columns.indexOf('outcome');
    if (pAt < 0 || yAt < 0) throw new Error(`${path} is not a ground-truth CSV (no true_probability/outcome column)`);
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      scored.push({ p: Number(cells[pAt]), y: Number(cells[yAt]) });
    }
  }
  return aurocOf(scored);
}

/** Mann-Whitney AUROC of scores vs 0/1 labels, ties counted one half. */
export function aurocOf(scored: readonly { p: number; y: number }[]): number {
  const sorted = [...scored].sort((a, b) => a.p - b.p);
  let positives = 0;
  let rankSumPositives = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.p === sorted[i]!.p) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let k = i; k < j; k++) {
      if (sorted[k]!.y === 1) {
        positives++;
        rankSumPositives += midRank;
      }
    }
    i = j;
  }
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
