// Care outside inpatient stays: emergency visits that end at home, outpatient visits with labs
// and community prescriptions, vaccinations, allergies, and imaging studies (which become DICOM).
import type { ChronicCondition, ChronicKey } from './comorbidity-model.ts';
import {
  ALLERGY_SUBSTANCES, EMERGENCY_REASONS, ENCOUNTER_TYPES, IMAGING_PROCEDURE, VACCINES,
} from './clinical-vocabulary.ts';
import { physicianName } from './patient-identity.ts';
import type { SeededRandom } from './seeded-random.ts';
import { MINUTES_PER_DAY, WINDOW_START_DAY, dayOf } from './simulated-patient.ts';
import type { SimEncounter, SimImagingStudy } from './simulated-patient.ts';
import type { Modality } from './site-profile.ts';
import { addAmbulatoryLabs, addCommunityMedications, addEmergencyLabs, addProcedure } from './stay-content.ts';
import type { ClinicalState } from './stay-content.ts';

function presentAt(chronic: readonly ChronicCondition[], day: number): Set<ChronicKey> {
  return new Set(chronic.filter((c) => c.onsetDay <= day).map((c) => c.key));
}

export function addOutpatientCare(state: ClinicalState, chronic: readonly ChronicCondition[], edTimes: readonly number[], ambTimes: readonly number[]): void {
  const { rng, patient } = state;
  const diagnosisCoded = (enc: SimEncounter, code: SimEncounter['reason']) => {
    if (!code) return;
    const condition = { id: rng.uuid(), code, category: null, minute: enc.start, encounterId: enc.id, listKind: 'encounter-diagnosis' as const, resolved: true, writeOnset: rng.chance(0.9) };
    patient.conditions.push(condition);
    enc.diagnoses.push(condition);
  };
  for (const start of edTimes) {
    const enc: SimEncounter = {
      id: rng.uuid(), visitNumber: `E${rng.digits(9)}`, cls: 'EMER', start, end: start + rng.int(90, 480),
      type: ENCOUNTER_TYPES.EMER, reason: rng.pick(EMERGENCY_REASONS), admitSource: null, disposition: 'home',
      emergency: true, practitioner: physicianName(rng), diagnoses: [],
    };
    diagnosisCoded(enc, enc.reason);
    addEmergencyLabs(state, enc);
    patient.encounters.push(enc);
  }
  let first = true;
  for (const start of ambTimes) {
    const present = presentAt(chronic, dayOf(start));
    const problems = chronic.filter((c) => c.onsetDay <= dayOf(start));
    const problem = problems.length > 0 && rng.chance(0.5) ? rng.pick(problems) : null;
    const enc: SimEncounter = {
      id: rng.uuid(), visitNumber: `A${rng.digits(9)}`, cls: 'AMB', start, end: start + rng.int(15, 60),
      type: problem ? ENCOUNTER_TYPES.AMB_PROBLEM : ENCOUNTER_TYPES.AMB, reason: problem?.code ?? null,
      admitSource: null, disposition: null, emergency: false, practitioner: physicianName(rng), diagnoses: [],
    };
    if (first) addCommunityMedications(state, enc, present);
    first = false;
    const onWarfarin = patient.medications.some((m) => m.key === 'warfarin' && m.minute <= start);
    addAmbulatoryLabs(state, enc, present, onWarfarin);
    if (rng.chance(0.15)) {
      const vaccine = rng.pick(VACCINES);
      patient.immunizations.push({ id: rng.uuid(), code: vaccine.code, display: vaccine.display, minute: start + 25, encounterId: enc.id });
    }
    patient.encounters.push(enc);
  }
  if (rng.chance(0.15)) {
    const substance = rng.pick(ALLERGY_SUBSTANCES);
    const minute = (WINDOW_START_DAY - rng.int(30, 3000)) * MINUTES_PER_DAY + rng.int(480, 1020);
    patient.allergies.push({ id: rng.uuid(), code: substance.code, display: substance.display, category: substance.category, minute, criticality: rng.chance(0.2) ? 'high' : 'low' });
  }
  planImaging(state, chronic);
}

const STUDY_TEMPLATES: Record<Modality, readonly { description: string; bodyPart: string }[]> = {
  CT: [
    { description: 'CT CHEST W CONTRAST', bodyPart: 'CHEST' },
    { description: 'CT ABDOMEN PELVIS W CONTRAST', bodyPart: 'ABDOMEN' },
    { description: 'CT HEAD WO CONTRAST', bodyPart: 'HEAD' },
  ],
  MR: [
    { description: 'MRI BRAIN W WO CONTRAST', bodyPart: 'BRAIN' },
    { description: 'MRI LIVER W WO CONTRAST', bodyPart: 'LIVER' },
    { description: 'MRI KNEE WO CONTRAST', bodyPart: 'KNEE' },
  ],
  CR: [{ description: 'XR CHEST PA AND LATERAL', bodyPart: 'CHEST' }, { description: 'XR HIP 2 VIEWS', bodyPart: 'HIP' }],
  US: [{ description: 'US ABDOMEN COMPLETE', bodyPart: 'ABDOMEN' }, { description: 'US CAROTID DUPLEX', bodyPart: 'NECK' }],
};

/** A DICOM UID from 128 random bits (PS3.5 B.2 "2.25." form). */
export function uuidDerivedUid(rng: SeededRandom): string {
  const bits = BigInt(`0x${rng.hex(16)}`) & ((1n << 127n) - 1n);
  return `2.25.${bits.toString(10)}`;
}

function planImaging(state: ClinicalState, chronic: readonly ChronicCondition[]): void {
  const { rng, site, patient } = state;
  const oncology = chronic.some((c) => c.key === 'malignancy');
  const anchors = patient.encounters.filter((e) => e.cls !== 'EMER' && e.end !== null);
  if (anchors.length === 0 || !rng.chance(Math.min(0.9, site.imagingShare * (oncology ? 1.4 : 1)))) return;
  const studies = rng.chance(0.2) ? 2 : 1;
  for (let s = 0; s < studies; s++) {
    const enc = rng.pick(anchors);
    const modality = rng.weighted(['CT', 'MR', 'CR', 'US'] as const, (m) => site.modalityWeights[m]);
    const template = rng.pick(STUDY_TEMPLATES[modality]);
    const minute = Math.min(enc.start + rng.int(20, 240), enc.end! - 5);
    const seriesCount = modality === 'MR' && rng.chance(0.5) ? 2 : 1;
    const perSeries = modality === 'CT' ? rng.int(2, 3) : modality === 'MR' ? rng.int(1, 2) : rng.chance(0.3) ? 2 : 1;
    const study: SimImagingStudy = {
      modality, minute, encounterId: enc.id,
      accessionNumber: `${site.issuerOfPatientId.slice(0, 4).replace(/[^A-Z0-9]/gi, '')}${rng.digits(9)}`,
      studyInstanceUid: uuidDerivedUid(rng),
      description: template.description, bodyPart: template.bodyPart,
      referringPhysician: enc.practitioner,
      burnedInAnnotation: rng.chance(modality === 'US' ? 0.6 : modality === 'CR' ? 0.2 : 0.03),
      encapsulated: modality !== 'US' && rng.chance(site.encapsulatedShare),
      series: [],
    };
    for (let k = 0; k < seriesCount; k++) {
      const instanceUids: string[] = [];
      for (let i = 0; i < perSeries; i++) instanceUids.push(uuidDerivedUid(rng));
      study.series.push({ seriesInstanceUid: uuidDerivedUid(rng), description: k === 0 ? template.description.replace(/^\w+ /, '') : 'AX T2', instanceUids });
    }
    patient.imaging.push(study);
    addProcedure(state, enc, IMAGING_PROCEDURE[modality], minute);
  }
}
