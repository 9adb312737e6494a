// LACE and HOSPITAL of an extracted index admission (the mapping of our features to each paper's items).
import { hospitalScore, laceScore } from './clinical-scores.ts';
import type { AdmissionFeatures } from './index-admissions.ts';

/** LACE (van Walraven 2010) of an admission: acuity is the emergency admission flag. */
export function laceOfAdmission(f: AdmissionFeatures): number {
  return laceScore({ lengthOfStayDays: f.lengthOfStayDays, acuteAdmission: f.emergencyAdmission, charlsonIndex: f.charlsonIndex, edVisits6m: f.priorEdVisits6m });
}

/** HOSPITAL (Donzé 2013) of an admission: "oncology" is an active malignancy diagnosis. */
export function hospitalOfAdmission(f: AdmissionFeatures): number {
  return hospitalScore({
    dischargeHemoglobinGdl: f.dischargeHemoglobinGdl,
    oncology: f.oncology,
    dischargeSodiumMmolL: f.dischargeSodiumMmolL,
    procedureDuringStay: f.proceduresDuringStay > 0,
    urgentAdmission: f.emergencyAdmission,
    admissions12m: f.priorAdmissions12m,
    lengthOfStayDays: f.lengthOfStayDays,
  });
}
