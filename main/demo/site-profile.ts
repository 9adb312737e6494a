// How each institution differs: case mix, diagnosis coding, lab habits and units, imaging and
// genotyping shares, identifier formats, and the site's (unobservable) baseline readmission
// risk. The three consortium defaults are fixed; any other name gets a profile drawn from the seed.
import { createHash } from 'node:crypto';
import { CHARLSON_CATEGORIES } from './charlson-vocabulary.ts';
import type { CharlsonCategory } from './charlson-vocabulary.ts';
import { SeededRandom } from './seeded-random.ts';

export type DiagnosisCoding = 'icd10-cm' | 'snomed-ct' | 'icd10-cm+snomed-ct';
export type Modality = 'CT' | 'MR' | 'CR' | 'US';

/** Everything that makes one synthetic institution look like itself. */
export interface SiteProfile {
  institution: string;
  displayName: string;
  /** Postal address, as modalities write it into (0008,0081). */
  address: string;
  /** Host name used in system URIs and bulk-export URLs. */
  host: string;
  diagnosisCoding: DiagnosisCoding;
  mrnSystem: string;
  mrnPrefix: string;
  mrnDigits: number;
  /** DICOM (0010,0021): a short local issuer name; the full system goes in (0010,0024). */
  issuerOfPatientId: string;
  /** UTC offset written on every dateTime, e.g. "+01:00". */
  utcOffset: string;
  /** Unobservable shift of the readmission log-odds (site heterogeneity). */
  siteEffect: number;
  meanAge: number;
  /** Added to the log-odds of each Charlson category's prevalence. */
  caseMix: Partial<Record<CharlsonCategory, number>>;
  /** Multiplies the yearly inpatient admission rate. */
  admissionRate: number;
  /** Probability that sodium is measured at admission / at discharge. */
  sodiumMeasured: number;
  hemoglobinUnit: 'g/dL' | 'g/L';
  /** Whether lab Observations carry referenceRange (many LIS interfaces leave it out). */
  referenceRanges: boolean;
  creatinineUnit: 'mg/dL' | 'umol/L';
  /** Share of patients with an imaging study. */
  imagingShare: number;
  modalityWeights: Record<Modality, number>;
  /** Share of imaging series written with encapsulated (RLE Lossless) pixel data. */
  encapsulatedShare: number;
  /** Share of patients genotyped without a pharmacogenomic indication (biobank consent). */
  biobankShare: number;
}

export const DEFAULT_INSTITUTIONS = ['dkfz', 'ukhd', 'embl'] as const;

const DEFAULT_PROFILES: Record<(typeof DEFAULT_INSTITUTIONS)[number], Omit<SiteProfile, 'institution'>> = {
  // A cancer centre: older, oncology-heavy, ICD-10-CM only, imaging-heavy.
  dkfz: {
    displayName: 'DKFZ National Center for Tumor Diseases Clinic', address: 'Im Neuenheimer Feld 460, 69120 Heidelberg, Germany', host: 'dkfz.example.org',
    diagnosisCoding: 'icd10-cm', mrnSystem: 'https://dkfz.example.org/fhir/sid/mrn', mrnPrefix: 'D', mrnDigits: 8,
    issuerOfPatientId: 'DKFZ-NCT', utcOffset: '+01:00', siteEffect: -0.2, meanAge: 63,
    caseMix: { malignancy: 2.0, metastaticSolidTumor: 1.2, moderateOrSevereLiverDisease: 0.3, congestiveHeartFailure: -0.3 },
    admissionRate: 1.1, sodiumMeasured: 0.92, hemoglobinUnit: 'g/dL', referenceRanges: true, creatinineUnit: 'mg/dL',
    imagingShare: 0.22, modalityWeights: { CT: 5, MR: 4, CR: 1, US: 1 }, encapsulatedShare: 0.3, biobankShare: 0.12,
  },
  // A general university hospital: cardiology and internal medicine, both code systems, SI units.
  ukhd: {
    displayName: 'University Hospital Heidelberg', address: 'Im Neuenheimer Feld 672, 69120 Heidelberg, Germany', host: 'ukhd.example.org',
    diagnosisCoding: 'icd10-cm+snomed-ct', mrnSystem: 'urn:oid:2.25.262149873562198345201944371812235129471', mrnPrefix: '', mrnDigits: 10,
    issuerOfPatientId: 'UKHD', utcOffset: '+01:00', siteEffect: 0.2, meanAge: 60,
    caseMix: { myocardialInfarction: 0.6, congestiveHeartFailure: 0.6, cerebrovascularDisease: 0.3, renalDisease: 0.3 },
    admissionRate: 1.0, sodiumMeasured: 0.95, hemoglobinUnit: 'g/dL', referenceRanges: true, creatinineUnit: 'umol/L',
    imagingShare: 0.18, modalityWeights: { CT: 3, MR: 1, CR: 4, US: 3 }, encapsulatedShare: 0.15, biobankShare: 0.08,
  },
  // A research clinic: younger and healthier, SNOMED CT only, measures sodium rarely, g/L hemoglobin.
  embl: {
    displayName: 'EMBL Clinical Research Unit', address: 'Meyerhofstrasse 1, 69117 Heidelberg, Germany', host: 'embl.example.org',
    diagnosisCoding: 'snomed-ct', mrnSystem: 'https://embl.example.org/mrn', mrnPrefix: 'EMBL-', mrnDigits: 7,
    issuerOfPatientId: 'EMBL-CRU', utcOffset: '+01:00', siteEffect: 0.35, meanAge: 50,
    caseMix: { rheumaticDisease: 0.8, chronicPulmonaryDisease: 0.3, malignancy: -0.2, dementia: -0.8 },
    admissionRate: 0.8, sodiumMeasured: 0.45, hemoglobinUnit: 'g/L', referenceRanges: false, creatinineUnit: 'mg/dL',
    imagingShare: 0.14, modalityWeights: { CT: 1, MR: 5, CR: 1, US: 2 }, encapsulatedShare: 0.5, biobankShare: 0.3,
  },
};

const INSTITUTION_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export function isValidInstitutionName(name: string): boolean {
  return INSTITUTION_NAME.test(name);
}

/** The profile of an institution: fixed for the defaults, drawn from the seed otherwise. */
export function siteProfileFor(institution: string, seed: number | string): SiteProfile {
  if (institution in DEFAULT_PROFILES) {
    return { institution, ...DEFAULT_PROFILES[institution as keyof typeof DEFAULT_PROFILES] };
  }
  const rng = SeededRandom.derive(seed, institution, 'site-profile');
  const host = `${institution}.example.org`;
  const oid = BigInt(`0x${createHash('sha256').update(`${String(seed)}/${institution}`).digest('hex').slice(0, 30)}`);
  const useOid = rng.chance(0.5);
  const caseMix: Partial<Record<CharlsonCategory, number>> = {};
  for (let i = 0; i < 3; i++) caseMix[rng.pick(CHARLSON_CATEGORIES)] = Math.round(rng.uniform(-0.8, 1.5) * 10) / 10;
  return {
    institution,
    displayName: `${institution.toUpperCase()} Hospital`,
    address: `${rng.int(1, 999)} Hospital Road, ${rng.int(10000, 99999)} ${institution.toUpperCase()} City`,
    host,
    diagnosisCoding: rng.pick(['icd10-cm', 'snomed-ct', 'icd10-cm+snomed-ct'] as const),
    mrnSystem: useOid ? `urn:oid:2.25.${oid.toString(10)}` : `https://${host}/mrn`,
    mrnPrefix: rng.chance(0.5) ? `${institution.slice(0, 3).toUpperCase()}-` : '',
    mrnDigits: rng.int(7, 10),
    issuerOfPatientId: institution.toUpperCase().slice(0, 16),
    utcOffset: rng.pick(['+01:00', '+00:00', '-05:00', '+02:00']),
    siteEffect: Math.round(rng.uniform(-0.3, 0.3) * 100) / 100,
    meanAge: rng.int(48, 64),
    caseMix,
    admissionRate: Math.round(rng.uniform(0.8, 1.2) * 100) / 100,
    sodiumMeasured: Math.round(rng.uniform(0.4, 0.97) * 100) / 100,
    hemoglobinUnit: rng.chance(0.3) ? 'g/L' : 'g/dL',
    creatinineUnit: rng.chance(0.3) ? 'umol/L' : 'mg/dL',
    imagingShare: Math.round(rng.uniform(0.12, 0.3) * 100) / 100,
    modalityWeights: { CT: rng.int(1, 5), MR: rng.int(1, 5), CR: rng.int(1, 5), US: rng.int(1, 5) },
    encapsulatedShare: Math.round(rng.uniform(0.1, 0.5) * 100) / 100,
    biobankShare: Math.round(rng.uniform(0.05, 0.3) * 100) / 100,
    referenceRanges: rng.chance(0.7),
  };
}
