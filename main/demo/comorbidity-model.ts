// Chronic conditions of a synthetic patient: each Charlson category and each other chronic
// condition is present with a logistic probability in age, a latent frailty and the site's case
// mix; most started before the simulated window, some start inside it. The complicated forms
// (diabetes with complications, severe liver disease, metastases) are drawn only on top of the
// simple form, as in real problem lists.
import { charlsonDefinition } from './charlson-vocabulary.ts';
import type { CharlsonCategory, DiagnosisCode } from './charlson-vocabulary.ts';
import { OTHER_CHRONIC_CONDITIONS } from './clinical-vocabulary.ts';
import type { OtherChronicCondition } from './clinical-vocabulary.ts';
import { logistic } from './readmission-mechanism.ts';
import type { SeededRandom } from './seeded-random.ts';
import { TODAY_DAY, WINDOW_START_DAY } from './simulated-patient.ts';
import type { SiteProfile } from './site-profile.ts';

export type ChronicKey = CharlsonCategory | OtherChronicCondition;

export interface ChronicCondition {
  key: ChronicKey;
  category: CharlsonCategory | null;
  code: DiagnosisCode;
  onsetDay: number;
}

/** [log-odds at age 65 with average frailty, per decade of age, per SD of frailty]. */
const PREVALENCE: Record<Exclude<CharlsonCategory, 'diabetesWithComplications' | 'moderateOrSevereLiverDisease' | 'metastaticSolidTumor'> | OtherChronicCondition, readonly [number, number, number]> = {
  myocardialInfarction: [-3.0, 0.45, 0.5],
  congestiveHeartFailure: [-2.8, 0.55, 0.6],
  peripheralVascularDisease: [-3.3, 0.45, 0.4],
  cerebrovascularDisease: [-3.0, 0.5, 0.4],
  dementia: [-4.0, 1.0, 0.5],
  chronicPulmonaryDisease: [-2.2, 0.25, 0.5],
  rheumaticDisease: [-3.7, 0.1, 0.3],
  pepticUlcerDisease: [-4.0, 0.2, 0.3],
  mildLiverDisease: [-3.5, 0.1, 0.4],
  diabetesWithoutComplications: [-1.7, 0.3, 0.4],
  hemiplegiaOrParaplegia: [-5.0, 0.2, 0.5],
  renalDisease: [-2.7, 0.6, 0.6],
  malignancy: [-2.7, 0.4, 0.4],
  aidsHiv: [-5.5, -0.3, 0.3],
  hypertension: [-0.4, 0.55, 0.3],
  hyperlipidemia: [-0.7, 0.3, 0.2],
  coronaryArteryDisease: [-2.1, 0.55, 0.4],
  atrialFibrillation: [-2.8, 0.65, 0.4],
  obesity: [-1.3, -0.05, 0.3],
  depression: [-1.9, -0.1, 0.4],
  osteoarthritis: [-1.4, 0.5, 0.2],
  crohnsDisease: [-4.6, -0.2, 0.3],
};

/** Draws the patient's chronic conditions, ordered by onset. */
export function drawComorbidities(
  rng: SeededRandom,
  site: SiteProfile,
  birthDay: number,
  male: boolean,
  frailty: number,
): ChronicCondition[] {
  const ageDecades = (TODAY_DAY - birthDay) / 365.25 / 10 - 6.5;
  const adultDay = birthDay + 18 * 365;
  const out: ChronicCondition[] = [];
  const onset = (): number => {
    if (rng.chance(0.2)) return rng.int(WINDOW_START_DAY, TODAY_DAY - 1);
    return Math.max(adultDay, WINDOW_START_DAY - rng.int(30, 12 * 365));
  };
  const add = (key: ChronicKey, category: CharlsonCategory | null, code: DiagnosisCode, onsetDay: number) =>
    out.push({ key, category, code, onsetDay });

  for (const [key, [base, perDecade, perFrailty]] of Object.entries(PREVALENCE) as [keyof typeof PREVALENCE, readonly [number, number, number]][]) {
    const shift = site.caseMix[key as CharlsonCategory] ?? 0;
    if (!rng.chance(logistic(base + perDecade * ageDecades + perFrailty * frailty + shift))) continue;
    const isOther = key in OTHER_CHRONIC_CONDITIONS;
    if (isOther) {
      add(key, null, OTHER_CHRONIC_CONDITIONS[key as OtherChronicCondition], onset());
      continue;
    }
    const category = key as CharlsonCategory;
    const day = onset();
    add(category, category, chooseCode(rng, category, male, day), day);
    if (category === 'diabetesWithoutComplications' && rng.chance(0.3)) {
      const later = Math.min(TODAY_DAY - 1, day + rng.int(200, 3000));
      add('diabetesWithComplications', 'diabetesWithComplications', rng.pick(charlsonDefinition('diabetesWithComplications').codes), later);
    }
    if (category === 'mildLiverDisease' && rng.chance(0.2 + Math.max(0, site.caseMix.moderateOrSevereLiverDisease ?? 0) * 0.3)) {
      const later = Math.min(TODAY_DAY - 1, day + rng.int(100, 2500));
      add('moderateOrSevereLiverDisease', 'moderateOrSevereLiverDisease', rng.pick(charlsonDefinition('moderateOrSevereLiverDisease').codes), later);
    }
    if (category === 'malignancy' && rng.chance(logistic(-1.0 + (site.caseMix.metastaticSolidTumor ?? 0)))) {
      const later = Math.min(TODAY_DAY - 1, day + rng.int(30, 1500));
      add('metastaticSolidTumor', 'metastaticSolidTumor', rng.pick(charlsonDefinition('metastaticSolidTumor').codes), later);
    }
  }
  // A past myocardial infarction means coronary disease; write it if the draw missed it.
  const mi = out.find((c) => c.key === 'myocardialInfarction');
  if (mi && !out.some((c) => c.key === 'coronaryArteryDisease')) {
    add('coronaryArteryDisease', null, OTHER_CHRONIC_CONDITIONS.coronaryArteryDisease, mi.onsetDay);
  }
  return out.sort((a, b) => a.onsetDay - b.onsetDay);
}

function chooseCode(rng: SeededRandom, category: CharlsonCategory, male: boolean, onsetDay: number): DiagnosisCode {
  const codes = charlsonDefinition(category).codes;
  if (category === 'myocardialInfarction') {
    // Before the window an infarction is history (I25.2); inside it, an acute event.
    return onsetDay < WINDOW_START_DAY ? codes[2]! : codes[rng.int(0, 1)]!;
  }
  if (category === 'malignancy') {
    const candidates = codes.filter((c) => (male ? c.icd10.code !== 'C50.911' : c.icd10.code !== 'C61'));
    // Colon and breast cancer are common and are the capecitabine indications.
    return rng.weighted(candidates, (c) => (c.icd10.code === 'C18.9' || c.icd10.code === 'C50.911' ? 3 : 1));
  }
  return rng.pick(codes);
}
