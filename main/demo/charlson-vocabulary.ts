// Charlson comorbidity categories as the generator codes them: ICD-10 prefixes from
// Quan H et al., "Coding algorithms for defining comorbidities in ICD-9-CM and ICD-10
// administrative data", Med Care 2005;43(11):1130-9 (Table 1), weights from Charlson ME et al.,
// J Chronic Dis 1987;40(5):373-83, and for each category a few ICD-10-CM codes with the
// SNOMED CT concept a SNOMED-coding site would record instead.

export const CHARLSON_CATEGORIES = [
  'myocardialInfarction',
  'congestiveHeartFailure',
  'peripheralVascularDisease',
  'cerebrovascularDisease',
  'dementia',
  'chronicPulmonaryDisease',
  'rheumaticDisease',
  'pepticUlcerDisease',
  'mildLiverDisease',
  'diabetesWithoutComplications',
  'diabetesWithComplications',
  'hemiplegiaOrParaplegia',
  'renalDisease',
  'malignancy',
  'moderateOrSevereLiverDisease',
  'metastaticSolidTumor',
  'aidsHiv',
] as const;

export type CharlsonCategory = (typeof CHARLSON_CATEGORIES)[number];

/** A coded diagnosis: the ICD-10-CM code and the SNOMED CT concept for the same condition. */
export interface DiagnosisCode {
  icd10: { code: string; display: string };
  snomed: { code: string; display: string };
}

/** One Charlson category: its 1987 weight, the Quan 2005 ICD-10 prefixes and the codes we emit. */
export interface CharlsonCategoryDefinition {
  category: CharlsonCategory;
  label: string;
  weight: number;
  /** Quan 2005 ICD-10 code prefixes without the dot; "I60-I69" and "K700-K703" are ranges. */
  quanIcd10: readonly string[];
  codes: readonly DiagnosisCode[];
}

const dx = (icd10: string, icdDisplay: string, snomed: string, snomedDisplay: string): DiagnosisCode => ({
  icd10: { code: icd10, display: icdDisplay },
  snomed: { code: snomed, display: snomedDisplay },
});

export const CHARLSON_DEFINITIONS: readonly CharlsonCategoryDefinition[] = [
  {
    category: 'myocardialInfarction', label: 'Myocardial infarction', weight: 1,
    quanIcd10: ['I21', 'I22', 'I252'],
    codes: [
      dx('I21.4', 'Non-ST elevation (NSTEMI) myocardial infarction', '401314000', 'Acute non-ST segment elevation myocardial infarction (disorder)'),
      dx('I21.09', 'ST elevation (STEMI) myocardial infarction involving other coronary artery of anterior wall', '401303003', 'Acute ST segment elevation myocardial infarction (disorder)'),
      dx('I25.2', 'Old myocardial infarction', '1755008', 'Old myocardial infarction (disorder)'),
    ],
  },
  {
    category: 'congestiveHeartFailure', label: 'Congestive heart failure', weight: 1,
    quanIcd10: ['I099', 'I110', 'I130', 'I132', 'I255', 'I420', 'I425-I429', 'I43', 'I50', 'P290'],
    codes: [
      dx('I50.9', 'Heart failure, unspecified', '84114007', 'Heart failure (disorder)'),
      dx('I50.22', 'Chronic systolic (congestive) heart failure', '88805009', 'Chronic congestive heart failure (disorder)'),
      dx('I11.0', 'Hypertensive heart disease with heart failure', '42343007', 'Congestive heart failure (disorder)'),
    ],
  },
  {
    category: 'peripheralVascularDisease', label: 'Peripheral vascular disease', weight: 1,
    quanIcd10: ['I70', 'I71', 'I731', 'I738', 'I739', 'I771', 'I790', 'I792', 'K551', 'K558', 'K559', 'Z958', 'Z959'],
    codes: [
      dx('I73.9', 'Peripheral vascular disease, unspecified', '400047006', 'Peripheral vascular disease (disorder)'),
      dx('I70.213', 'Atherosclerosis of native arteries of extremities with intermittent claudication, bilateral legs', '399957001', 'Peripheral arterial occlusive disease (disorder)'),
    ],
  },
  {
    category: 'cerebrovascularDisease', label: 'Cerebrovascular disease', weight: 1,
    quanIcd10: ['G45', 'G46', 'H340', 'I60-I69'],
    codes: [
      dx('I63.9', 'Cerebral infarction, unspecified', '422504002', 'Ischemic stroke (disorder)'),
      dx('G45.9', 'Transient cerebral ischemic attack, unspecified', '266257000', 'Transient ischemic attack (disorder)'),
      dx('I69.30', 'Unspecified sequelae of cerebral infarction', '230690007', 'Cerebrovascular accident (disorder)'),
    ],
  },
  {
    category: 'dementia', label: 'Dementia', weight: 1,
    quanIcd10: ['F00-F03', 'F051', 'G30', 'G311'],
    codes: [
      dx('F03.90', 'Unspecified dementia, unspecified severity, without behavioral disturbance, psychotic disturbance, mood disturbance, and anxiety', '52448006', 'Dementia (disorder)'),
      dx('G30.9', "Alzheimer's disease, unspecified", '26929004', "Alzheimer's disease (disorder)"),
      dx('F01.50', 'Vascular dementia, unspecified severity, without behavioral disturbance, psychotic disturbance, mood disturbance, and anxiety', '429998004', 'Vascular dementia (disorder)'),
    ],
  },
  {
    category: 'chronicPulmonaryDisease', label: 'Chronic pulmonary disease', weight: 1,
    quanIcd10: ['I278', 'I279', 'J40-J47', 'J60-J67', 'J684', 'J701', 'J703'],
    codes: [
      dx('J44.9', 'Chronic obstructive pulmonary disease, unspecified', '13645005', 'Chronic obstructive lung disease (disorder)'),
      dx('J45.909', 'Unspecified asthma, uncomplicated', '195967001', 'Asthma (disorder)'),
      dx('J47.9', 'Bronchiectasis, uncomplicated', '12295008', 'Bronchiectasis (disorder)'),
    ],
  },
  {
    category: 'rheumaticDisease', label: 'Rheumatic disease', weight: 1,
    quanIcd10: ['M05', 'M06', 'M315', 'M32-M34', 'M351', 'M353', 'M360'],
    codes: [
      dx('M06.9', 'Rheumatoid arthritis, unspecified', '69896004', 'Rheumatoid arthritis (disorder)'),
      dx('M32.9', 'Systemic lupus erythematosus, unspecified', '55464009', 'Systemic lupus erythematosus (disorder)'),
      dx('M35.3', 'Polymyalgia rheumatica', '65323003', 'Polymyalgia rheumatica (disorder)'),
    ],
  },
  {
    category: 'pepticUlcerDisease', label: 'Peptic ulcer disease', weight: 1,
    quanIcd10: ['K25-K28'],
    codes: [
      dx('K25.9', 'Gastric ulcer, unspecified as acute or chronic, without hemorrhage or perforation', '397825006', 'Gastric ulcer (disorder)'),
      dx('K26.9', 'Duodenal ulcer, unspecified as acute or chronic, without hemorrhage or perforation', '51868009', 'Duodenal ulcer (disorder)'),
      dx('K27.9', 'Peptic ulcer, site unspecified, unspecified as acute or chronic, without hemorrhage or perforation', '13200003', 'Peptic ulcer (disorder)'),
    ],
  },
  {
    category: 'mildLiverDisease', label: 'Mild liver disease', weight: 1,
    quanIcd10: ['B18', 'K700-K703', 'K709', 'K713-K715', 'K717', 'K73', 'K74', 'K760', 'K762-K764', 'K768', 'K769', 'Z944'],
    codes: [
      dx('K74.60', 'Unspecified cirrhosis of liver', '19943007', 'Cirrhosis of liver (disorder)'),
      dx('B18.2', 'Chronic viral hepatitis C', '128302006', 'Chronic hepatitis C (disorder)'),
      dx('K76.0', 'Fatty (change of) liver, not elsewhere classified', '197321007', 'Steatosis of liver (disorder)'),
    ],
  },
  {
    category: 'diabetesWithoutComplications', label: 'Diabetes without chronic complications', weight: 1,
    quanIcd10: ['E100', 'E101', 'E106', 'E108', 'E109', 'E110', 'E111', 'E116', 'E118', 'E119', 'E120', 'E121', 'E126', 'E128', 'E129', 'E130', 'E131', 'E136', 'E138', 'E139', 'E140', 'E141', 'E146', 'E148', 'E149'],
    codes: [
      dx('E11.9', 'Type 2 diabetes mellitus without complications', '44054006', 'Diabetes mellitus type 2 (disorder)'),
      dx('E10.9', 'Type 1 diabetes mellitus without complications', '46635009', 'Diabetes mellitus type 1 (disorder)'),
    ],
  },
  {
    category: 'diabetesWithComplications', label: 'Diabetes with chronic complications', weight: 2,
    quanIcd10: ['E102-E105', 'E107', 'E112-E115', 'E117', 'E122-E125', 'E127', 'E132-E135', 'E137', 'E142-E145', 'E147'],
    codes: [
      dx('E11.22', 'Type 2 diabetes mellitus with diabetic chronic kidney disease', '127013003', 'Disorder of kidney due to diabetes mellitus (disorder)'),
      dx('E11.40', 'Type 2 diabetes mellitus with diabetic neuropathy, unspecified', '230572002', 'Neuropathy due to diabetes mellitus (disorder)'),
      dx('E11.319', 'Type 2 diabetes mellitus with unspecified diabetic retinopathy without macular edema', '4855003', 'Retinopathy due to diabetes mellitus (disorder)'),
    ],
  },
  {
    category: 'hemiplegiaOrParaplegia', label: 'Hemiplegia or paraplegia', weight: 2,
    quanIcd10: ['G041', 'G114', 'G801', 'G802', 'G81', 'G82', 'G830-G834', 'G839'],
    codes: [
      dx('G81.94', 'Hemiplegia, unspecified affecting left nondominant side', '50582007', 'Hemiplegia (disorder)'),
      dx('G82.20', 'Paraplegia, unspecified', '60389000', 'Paraplegia (disorder)'),
    ],
  },
  {
    category: 'renalDisease', label: 'Renal disease', weight: 2,
    quanIcd10: ['I120', 'I131', 'N032-N037', 'N052-N057', 'N18', 'N19', 'N250', 'Z490-Z492', 'Z940', 'Z992'],
    codes: [
      dx('N18.4', 'Chronic kidney disease, stage 4 (severe)', '431857002', 'Chronic kidney disease stage 4 (disorder)'),
      dx('N18.30', 'Chronic kidney disease, stage 3 unspecified', '433144002', 'Chronic kidney disease stage 3 (disorder)'),
      dx('N18.6', 'End stage renal disease', '46177005', 'End-stage renal disease (disorder)'),
      dx('Z99.2', 'Dependence on renal dialysis', '105502003', 'Dependence on renal dialysis (finding)'),
    ],
  },
  {
    category: 'malignancy', label: 'Any malignancy, including lymphoma and leukaemia, except skin', weight: 2,
    quanIcd10: ['C00-C26', 'C30-C34', 'C37-C41', 'C43', 'C45-C58', 'C60-C76', 'C81-C85', 'C88', 'C90-C97'],
    codes: [
      dx('C34.90', 'Malignant neoplasm of unspecified part of unspecified bronchus or lung', '254637007', 'Non-small cell lung cancer (disorder)'),
      dx('C50.911', 'Malignant neoplasm of unspecified site of right female breast', '254837009', 'Malignant neoplasm of breast (disorder)'),
      dx('C18.9', 'Malignant neoplasm of colon, unspecified', '363406005', 'Malignant neoplasm of colon (disorder)'),
      dx('C61', 'Malignant neoplasm of prostate', '399068003', 'Malignant tumor of prostate (disorder)'),
      dx('C25.9', 'Malignant neoplasm of pancreas, unspecified', '363418001', 'Malignant tumor of pancreas (disorder)'),
      dx('C71.9', 'Malignant neoplasm of brain, unspecified', '428061005', 'Malignant neoplasm of brain (disorder)'),
      dx('C85.90', 'Non-Hodgkin lymphoma, unspecified, unspecified site', '118601006', "Non-Hodgkin's lymphoma (clinical) (disorder)"),
      dx('C91.10', 'Chronic lymphocytic leukemia of B-cell type not having achieved remission', '92814006', 'Chronic lymphoid leukemia, disease (disorder)'),
    ],
  },
  {
    category: 'moderateOrSevereLiverDisease', label: 'Moderate or severe liver disease', weight: 3,
    quanIcd10: ['I850', 'I859', 'I864', 'I982', 'K704', 'K711', 'K721', 'K729', 'K765', 'K766', 'K767'],
    codes: [
      dx('I85.00', 'Esophageal varices without bleeding', '28670008', 'Esophageal varices (disorder)'),
      dx('K76.6', 'Portal hypertension', '34742003', 'Portal hypertension (disorder)'),
      dx('K72.90', 'Hepatic failure, unspecified without coma', '59927004', 'Hepatic failure (disorder)'),
    ],
  },
  {
    category: 'metastaticSolidTumor', label: 'Metastatic solid tumour', weight: 6,
    quanIcd10: ['C77-C80'],
    codes: [
      dx('C78.7', 'Secondary malignant neoplasm of liver and intrahepatic bile duct', '94381002', 'Secondary malignant neoplasm of liver (disorder)'),
      dx('C79.51', 'Secondary malignant neoplasm of bone', '94222008', 'Secondary malignant neoplasm of bone (disorder)'),
      dx('C79.31', 'Secondary malignant neoplasm of brain', '94225005', 'Secondary malignant neoplasm of brain (disorder)'),
      dx('C78.00', 'Secondary malignant neoplasm of unspecified lung', '94391008', 'Secondary malignant neoplasm of lung (disorder)'),
    ],
  },
  {
    category: 'aidsHiv', label: 'AIDS/HIV', weight: 6,
    quanIcd10: ['B20-B22', 'B24'],
    codes: [dx('B20', 'Human immunodeficiency virus [HIV] disease', '86406008', 'Human immunodeficiency virus infection (disorder)')],
  },
];

const DEFINITION_BY_CATEGORY = new Map(CHARLSON_DEFINITIONS.map((d) => [d.category, d]));

export function charlsonDefinition(category: CharlsonCategory): CharlsonCategoryDefinition {
  return DEFINITION_BY_CATEGORY.get(category)!;
}

function expandPrefixes(spec: string): string[] {
  const range = /^([A-Z])(\d+)-([A-Z])(\d+)$/.exec(spec);
  if (!range) return [spec];
  const [, letter, from, , to] = range as unknown as [string, string, string, string, string];
  const out: string[] = [];
  for (let n = Number(from); n <= Number(to); n++) out.push(`${letter}${String(n).padStart(from.length, '0')}`);
  return out;
}

const QUAN_PREFIXES: readonly (readonly [string, CharlsonCategory])[] = CHARLSON_DEFINITIONS.flatMap((d) =>
  d.quanIcd10.flatMap(expandPrefixes).map((prefix) => [prefix, d.category] as const),
);

/** The Charlson category of an ICD-10(-CM) code by the Quan 2005 prefixes, or null. */
export function charlsonCategoryOfIcd10(code: string): CharlsonCategory | null {
  const normalized = code.replace('.', '').toUpperCase();
  for (const [prefix, category] of QUAN_PREFIXES) if (normalized.startsWith(prefix)) return category;
  return null;
}

const SNOMED_CATEGORY = new Map<string, CharlsonCategory>(
  CHARLSON_DEFINITIONS.flatMap((d) => d.codes.map((c) => [c.snomed.code, d.category] as const)),
);

/**
 * The Charlson category of a SNOMED CT concept the generator emits, or null. This is a lookup
 * of our own concepts, not a SNOMED-to-Charlson map: a real one would walk the hierarchy.
 */
export function charlsonCategoryOfSnomed(code: string): CharlsonCategory | null {
  return SNOMED_CATEGORY.get(code) ?? null;
}

/**
 * Charlson index with the usual hierarchy (Quan 2005): a category that is a milder form of one
 * also present does not count (diabetes, liver disease, malignancy vs metastatic tumour).
 */
export function charlsonIndex(categories: Iterable<CharlsonCategory>): number {
  const present = new Set(categories);
  if (present.has('diabetesWithComplications')) present.delete('diabetesWithoutComplications');
  if (present.has('moderateOrSevereLiverDisease')) present.delete('mildLiverDisease');
  if (present.has('metastaticSolidTumor')) present.delete('malignancy');
  let score = 0;
  for (const category of present) score += charlsonDefinition(category).weight;
  return score;
}
