// Codes the generator writes besides the Charlson table: admission reasons, other chronic
// conditions, LOINC labs with UCUM units, RxNorm clinical drugs (SCD), SNOMED CT procedures,
// CVX vaccines, allergy substances and the HL7 terminology for encounters. RxNorm codes were
// checked against Synthea output (../shared/data/fhir) where Synthea uses the same drug.
import type { CharlsonCategory, DiagnosisCode } from './charlson-vocabulary.ts';

export const SYSTEMS = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  ucum: 'http://unitsofmeasure.org',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  actPriority: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority',
  admitSource: 'http://terminology.hl7.org/CodeSystem/admit-source',
  dischargeDisposition: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
  diagnosisRole: 'http://terminology.hl7.org/CodeSystem/diagnosis-role',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  medicationRequestCategory: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  maritalStatus: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus',
  ssn: 'http://hl7.org/fhir/sid/us-ssn',
} as const;

const dx = (icd10: string, icdDisplay: string, snomed: string, snomedDisplay: string): DiagnosisCode => ({
  icd10: { code: icd10, display: icdDisplay },
  snomed: { code: snomed, display: snomedDisplay },
});

/** Chronic conditions outside the Charlson index: realistic problem lists, and drug indications. */
export const OTHER_CHRONIC_CONDITIONS = {
  hypertension: dx('I10', 'Essential (primary) hypertension', '59621000', 'Essential hypertension (disorder)'),
  hyperlipidemia: dx('E78.5', 'Hyperlipidemia, unspecified', '55822004', 'Hyperlipidemia (disorder)'),
  coronaryArteryDisease: dx('I25.10', 'Atherosclerotic heart disease of native coronary artery without angina pectoris', '53741008', 'Coronary arteriosclerosis (disorder)'),
  atrialFibrillation: dx('I48.91', 'Unspecified atrial fibrillation', '49436004', 'Atrial fibrillation (disorder)'),
  obesity: dx('E66.9', 'Obesity, unspecified', '414916001', 'Obesity (disorder)'),
  depression: dx('F32.A', 'Depression, unspecified', '35489007', 'Depressive disorder (disorder)'),
  osteoarthritis: dx('M19.90', 'Unspecified osteoarthritis, unspecified site', '396275006', 'Osteoarthritis (disorder)'),
  crohnsDisease: dx('K50.90', "Crohn's disease, unspecified, without complications", '34000006', "Crohn's disease (disorder)"),
} as const;

export type OtherChronicCondition = keyof typeof OTHER_CHRONIC_CONDITIONS;

/** Diagnoses added to a stay when its labs show them. */
export const SECONDARY_DIAGNOSES = {
  hyponatremia: dx('E87.1', 'Hypo-osmolality and hyponatremia', '89627008', 'Hyponatremia (disorder)'),
  anemia: dx('D64.9', 'Anemia, unspecified', '271737000', 'Anemia (disorder)'),
  hypokalemia: dx('E87.6', 'Hypokalemia', '43339004', 'Hypokalemia (disorder)'),
} as const;

/** Presenting complaints of emergency visits that end without admission. */
export const EMERGENCY_REASONS: readonly DiagnosisCode[] = [
  dx('R07.9', 'Chest pain, unspecified', '29857009', 'Chest pain (finding)'),
  dx('R06.00', 'Dyspnea, unspecified', '267036007', 'Dyspnea (finding)'),
  dx('R10.9', 'Unspecified abdominal pain', '21522001', 'Abdominal pain (finding)'),
  dx('R55', 'Syncope and collapse', '271594007', 'Syncope (disorder)'),
  dx('R50.9', 'Fever, unspecified', '386661006', 'Fever (finding)'),
];

/** Why a patient is admitted: the principal diagnosis and what it implies for the stay. */
export interface AdmissionReason {
  key: string;
  code: DiagnosisCode;
  /** The Charlson category the principal diagnosis itself falls in (it counts from that day). */
  charlson?: CharlsonCategory;
  /** Share of these admissions that come through the emergency department. */
  emergencyShare: number;
  /** Median length of stay in days. */
  losMedian: number;
  /** A condition the patient must have for this reason to be drawn. */
  requires?: CharlsonCategory | OtherChronicCondition;
  /** A SNOMED procedure usually done in this stay. */
  procedure?: ProcedureKey;
  /** Relative frequency among eligible patients. */
  weight: number;
}

export const ADMISSION_REASONS: readonly AdmissionReason[] = [
  { key: 'chf-exacerbation', code: dx('I50.23', 'Acute on chronic systolic (congestive) heart failure', '10633002', 'Acute congestive heart failure (disorder)'), charlson: 'congestiveHeartFailure', emergencyShare: 0.9, losMedian: 5, requires: 'congestiveHeartFailure', procedure: 'echocardiography', weight: 6 },
  { key: 'copd-exacerbation', code: dx('J44.1', 'Chronic obstructive pulmonary disease with (acute) exacerbation', '195951007', 'Acute exacerbation of chronic obstructive airways disease (disorder)'), charlson: 'chronicPulmonaryDisease', emergencyShare: 0.9, losMedian: 4, requires: 'chronicPulmonaryDisease', weight: 5 },
  { key: 'nstemi', code: dx('I21.4', 'Non-ST elevation (NSTEMI) myocardial infarction', '401314000', 'Acute non-ST segment elevation myocardial infarction (disorder)'), charlson: 'myocardialInfarction', emergencyShare: 0.95, losMedian: 4, requires: 'coronaryArteryDisease', procedure: 'coronaryStent', weight: 4 },
  { key: 'stroke', code: dx('I63.9', 'Cerebral infarction, unspecified', '422504002', 'Ischemic stroke (disorder)'), charlson: 'cerebrovascularDisease', emergencyShare: 0.97, losMedian: 6, requires: 'hypertension', procedure: 'mri', weight: 3 },
  { key: 'pneumonia', code: dx('J18.9', 'Pneumonia, unspecified organism', '233604007', 'Pneumonia (disorder)'), emergencyShare: 0.85, losMedian: 5, procedure: 'chestXray', weight: 8 },
  { key: 'sepsis', code: dx('A41.9', 'Sepsis, unspecified organism', '91302008', 'Sepsis (disorder)'), emergencyShare: 0.95, losMedian: 7, weight: 4 },
  { key: 'uti', code: dx('N39.0', 'Urinary tract infection, site not specified', '68566005', 'Urinary tract infectious disease (disorder)'), emergencyShare: 0.8, losMedian: 3, weight: 5 },
  { key: 'hip-fracture', code: dx('S72.001A', 'Fracture of unspecified part of neck of right femur, initial encounter for closed fracture', '5913000', 'Fracture of neck of femur (disorder)'), emergencyShare: 0.95, losMedian: 7, procedure: 'hipReplacement', weight: 2 },
  { key: 'gi-bleed', code: dx('K92.2', 'Gastrointestinal hemorrhage, unspecified', '74474003', 'Gastrointestinal hemorrhage (disorder)'), emergencyShare: 0.9, losMedian: 4, procedure: 'colonoscopy', weight: 3 },
  { key: 'aki', code: dx('N17.9', 'Acute kidney failure, unspecified', '14669001', 'Acute kidney injury (disorder)'), emergencyShare: 0.75, losMedian: 5, weight: 3 },
  { key: 'cellulitis', code: dx('L03.90', 'Cellulitis, unspecified', '128045006', 'Cellulitis (disorder)'), emergencyShare: 0.75, losMedian: 4, weight: 3 },
  { key: 'atrial-fibrillation', code: dx('I48.91', 'Unspecified atrial fibrillation', '49436004', 'Atrial fibrillation (disorder)'), emergencyShare: 0.8, losMedian: 3, requires: 'atrialFibrillation', procedure: 'ecg', weight: 3 },
  { key: 'dka', code: dx('E11.10', 'Type 2 diabetes mellitus with ketoacidosis without coma', '420422005', 'Ketoacidosis due to diabetes mellitus (disorder)'), charlson: 'diabetesWithoutComplications', emergencyShare: 0.95, losMedian: 3, requires: 'diabetesWithoutComplications', weight: 2 },
  { key: 'febrile-neutropenia', code: dx('D70.1', 'Agranulocytosis secondary to cancer chemotherapy', '409089005', 'Febrile neutropenia (disorder)'), emergencyShare: 0.9, losMedian: 6, requires: 'malignancy', weight: 5 },
  { key: 'cancer-treatment', code: dx('C18.9', 'Malignant neoplasm of colon, unspecified', '363406005', 'Malignant neoplasm of colon (disorder)'), charlson: 'malignancy', emergencyShare: 0.25, losMedian: 6, requires: 'malignancy', procedure: 'chemotherapy', weight: 8 },
  { key: 'elective-hip-replacement', code: dx('M16.11', 'Unilateral primary osteoarthritis, right hip', '239872002', 'Osteoarthritis of hip (disorder)'), emergencyShare: 0, losMedian: 4, requires: 'osteoarthritis', procedure: 'hipReplacement', weight: 3 },
];

/** A laboratory test: LOINC code, display and UCUM unit. */
export interface LabDefinition {
  loinc: string;
  display: string;
  unit: string;
  /** Decimal places reported. */
  decimals: number;
  low?: number;
  high?: number;
  category: 'laboratory' | 'vital-signs';
}

export const LABS = {
  hemoglobin: { loinc: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/dL', decimals: 1, low: 12, high: 17.5, category: 'laboratory' },
  hemoglobinGL: { loinc: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/L', decimals: 0, low: 120, high: 175, category: 'laboratory' },
  sodium: { loinc: '2951-2', display: 'Sodium [Moles/volume] in Serum or Plasma', unit: 'mmol/L', decimals: 0, low: 135, high: 145, category: 'laboratory' },
  potassium: { loinc: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma', unit: 'mmol/L', decimals: 1, low: 3.5, high: 5.1, category: 'laboratory' },
  creatinine: { loinc: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma', unit: 'mg/dL', decimals: 2, low: 0.6, high: 1.2, category: 'laboratory' },
  creatinineMolar: { loinc: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma', unit: 'umol/L', decimals: 0, low: 53, high: 106, category: 'laboratory' },
  glucose: { loinc: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma', unit: 'mg/dL', decimals: 0, low: 70, high: 99, category: 'laboratory' },
  leukocytes: { loinc: '6690-2', display: 'Leukocytes [#/volume] in Blood by Automated count', unit: '10*3/uL', decimals: 1, low: 4, high: 11, category: 'laboratory' },
  platelets: { loinc: '777-3', display: 'Platelets [#/volume] in Blood by Automated count', unit: '10*3/uL', decimals: 0, low: 150, high: 400, category: 'laboratory' },
  hba1c: { loinc: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood', unit: '%', decimals: 1, high: 5.7, category: 'laboratory' },
  ntProBnp: { loinc: '33762-6', display: 'Natriuretic peptide.B prohormone N-Terminal [Mass/volume] in Serum or Plasma', unit: 'pg/mL', decimals: 0, high: 125, category: 'laboratory' },
  inr: { loinc: '6301-6', display: 'INR in Platelet poor plasma by Coagulation assay', unit: '{INR}', decimals: 1, high: 1.2, category: 'laboratory' },
  bodyWeight: { loinc: '29463-7', display: 'Body weight', unit: 'kg', decimals: 1, category: 'vital-signs' },
} as const satisfies Record<string, LabDefinition>;

export type LabKey = keyof typeof LABS;

/** An RxNorm clinical drug. */
export interface MedicationDefinition {
  rxnorm: string;
  display: string;
  /** Doses per day, for the dosage instruction. */
  timesPerDay: number;
}

export const MEDICATIONS = {
  clopidogrel: { rxnorm: '309362', display: 'Clopidogrel 75 MG Oral Tablet', timesPerDay: 1 },
  simvastatin: { rxnorm: '312961', display: 'Simvastatin 20 MG Oral Tablet', timesPerDay: 1 },
  warfarin: { rxnorm: '855332', display: 'Warfarin Sodium 5 MG Oral Tablet', timesPerDay: 1 },
  azathioprine: { rxnorm: '197388', display: 'Azathioprine 50 MG Oral Tablet', timesPerDay: 1 },
  capecitabine: { rxnorm: '200328', display: 'capecitabine 500 MG Oral Tablet', timesPerDay: 2 },
  aspirin: { rxnorm: '243670', display: 'Aspirin 81 MG Oral Tablet', timesPerDay: 1 },
  lisinopril: { rxnorm: '314076', display: 'lisinopril 10 MG Oral Tablet', timesPerDay: 1 },
  metoprolol: { rxnorm: '866412', display: '24 HR metoprolol succinate 100 MG Extended Release Oral Tablet', timesPerDay: 1 },
  hydrochlorothiazide: { rxnorm: '310798', display: 'Hydrochlorothiazide 25 MG Oral Tablet', timesPerDay: 1 },
  furosemide: { rxnorm: '310429', display: 'Furosemide 40 MG Oral Tablet', timesPerDay: 1 },
  metformin: { rxnorm: '860975', display: '24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet', timesPerDay: 1 },
  insulin: { rxnorm: '106892', display: 'insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable Suspension [Humulin]', timesPerDay: 2 },
  albuterol: { rxnorm: '351137', display: 'albuterol 0.21 MG/ML Inhalation Solution', timesPerDay: 4 },
  budesonide: { rxnorm: '351109', display: 'budesonide 0.25 MG/ML Inhalation Suspension', timesPerDay: 2 },
  nitroglycerin: { rxnorm: '705129', display: 'Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray', timesPerDay: 1 },
  ferrousSulfate: { rxnorm: '310325', display: 'ferrous sulfate 325 MG Oral Tablet', timesPerDay: 1 },
  epoetin: { rxnorm: '205923', display: '1 ML Epoetin Alfa 4000 UNT/ML Injection [Epogen]', timesPerDay: 1 },
  acetaminophen: { rxnorm: '313782', display: 'Acetaminophen 325 MG Oral Tablet', timesPerDay: 3 },
  amoxicillinClavulanate: { rxnorm: '562251', display: 'Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet', timesPerDay: 3 },
  alendronate: { rxnorm: '904419', display: 'Alendronic acid 10 MG Oral Tablet', timesPerDay: 1 },
  cisplatin: { rxnorm: '1736854', display: 'Cisplatin 50 MG Injection', timesPerDay: 1 },
  paclitaxel: { rxnorm: '583214', display: 'PACLitaxel 100 MG Injection', timesPerDay: 1 },
  vitaminB12: { rxnorm: '2001499', display: 'Vitamin B12 5 MG/ML Injectable Solution', timesPerDay: 1 },
  diazepam: { rxnorm: '197591', display: 'Diazepam 5 MG Oral Tablet', timesPerDay: 1 },
} as const satisfies Record<string, MedicationDefinition>;

export type MedicationKey = keyof typeof MEDICATIONS;

export const PROCEDURES = {
  coronaryStent: { code: '36969009', display: 'Placement of stent in coronary artery (procedure)', minutes: 90 },
  echocardiography: { code: '40701008', display: 'Echocardiography (procedure)', minutes: 40 },
  ecg: { code: '29303009', display: 'Electrocardiographic procedure (procedure)', minutes: 15 },
  chestXray: { code: '399208008', display: 'Plain chest X-ray (procedure)', minutes: 15 },
  ct: { code: '77477000', display: 'Computerized axial tomography (procedure)', minutes: 20 },
  mri: { code: '113091000', display: 'Magnetic resonance imaging (procedure)', minutes: 45 },
  ultrasound: { code: '16310003', display: 'Diagnostic ultrasonography (procedure)', minutes: 25 },
  colonoscopy: { code: '73761001', display: 'Colonoscopy (procedure)', minutes: 45 },
  hipReplacement: { code: '52734007', display: 'Total replacement of hip (procedure)', minutes: 120 },
  chemotherapy: { code: '367336001', display: 'Chemotherapy (procedure)', minutes: 180 },
  dialysis: { code: '265764009', display: 'Renal dialysis (procedure)', minutes: 240 },
  medicationReconciliation: { code: '430193006', display: 'Medication Reconciliation (procedure)', minutes: 15 },
} as const;

export type ProcedureKey = keyof typeof PROCEDURES;

export const IMAGING_PROCEDURE: Record<'CT' | 'MR' | 'CR' | 'US', ProcedureKey> = {
  CT: 'ct',
  MR: 'mri',
  CR: 'chestXray',
  US: 'ultrasound',
};

export const VACCINES = [
  { code: '140', display: 'Influenza, seasonal, injectable, preservative free' },
  { code: '208', display: 'SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 30 mcg/0.3mL dose' },
  { code: '33', display: 'pneumococcal polysaccharide vaccine, 23 valent' },
  { code: '115', display: 'Tdap' },
] as const;

export const ALLERGY_SUBSTANCES = [
  { code: '764146007', display: 'Penicillin (substance)', category: 'medication' },
  { code: '387458008', display: 'Aspirin (substance)', category: 'medication' },
  { code: '256349002', display: 'Peanut - dietary (substance)', category: 'food' },
  { code: '111088007', display: 'Latex (substance)', category: 'environment' },
] as const;

export const ENCOUNTER_TYPES = {
  IMP: { code: '32485007', display: 'Hospital admission (procedure)' },
  EMER: { code: '50849002', display: 'Emergency room admission (procedure)' },
  AMB: { code: '185349003', display: 'Encounter for check up (procedure)' },
  AMB_PROBLEM: { code: '185347001', display: 'Encounter for problem (procedure)' },
} as const;

export const ENCOUNTER_CLASS_DISPLAY = { IMP: 'inpatient encounter', EMER: 'emergency', AMB: 'ambulatory' } as const;

export const ADMIT_SOURCES = {
  emd: 'From accident/emergency department',
  gp: 'General Practitioner referral',
  outp: 'From outpatient department',
  'hosp-trans': 'Transferred from other hospital',
  nursing: 'From nursing home',
} as const;

export type AdmitSource = keyof typeof ADMIT_SOURCES;

export const DISCHARGE_DISPOSITIONS = {
  home: 'Home',
  'alt-home': 'Alternative home',
  snf: 'Skilled nursing facility',
  rehab: 'Rehabilitation',
  long: 'Long-term care',
  aadvice: 'Left against advice',
  exp: 'Expired',
  oth: 'Other',
} as const;

export type DischargeDisposition = keyof typeof DISCHARGE_DISPOSITIONS;
