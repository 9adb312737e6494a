// Turns a simulated patient into FHIR R4 resources (valid against the R4 JSON schema), in the
// shapes Synthea and hospital bulk exports use. Which code systems a Condition carries, and
// which optional elements are left out, depends on the site.
import type { DiagnosisCode } from './charlson-vocabulary.ts';
import { ADMIT_SOURCES, DISCHARGE_DISPOSITIONS, ENCOUNTER_CLASS_DISPLAY, SYSTEMS } from './clinical-vocabulary.ts';
import type { SeededRandom } from './seeded-random.ts';
import { dayOf, formatDate, formatDateTime } from './simulated-patient.ts';
import type {
  SimCondition, SimEncounter, SimIdentity, SimObservation, SimPatient,
} from './simulated-patient.ts';
import type { SiteProfile } from './site-profile.ts';

/** The resource types of the export, in manifest order. */
export const EXPORT_RESOURCE_TYPES = [
  'Organization', 'Patient', 'Encounter', 'Condition', 'Observation', 'MedicationRequest', 'Procedure',
  'Immunization', 'AllergyIntolerance',
] as const;

export type ExportResourceType = (typeof EXPORT_RESOURCE_TYPES)[number];

/** A FHIR resource as a plain JSON object. */
export type FhirResource = { resourceType: ExportResourceType; id: string } & Record<string, unknown>;

const coding = (system: string, code: string, display?: string) => (display === undefined ? { system, code } : { system, code, display });
const concept = (system: string, code: string, display: string) => ({ coding: [coding(system, code, display)], text: display });

export function organizationResource(site: SiteProfile, id: string): FhirResource {
  return {
    resourceType: 'Organization', id,
    identifier: [{ system: `https://${site.host}/fhir/sid/organization`, value: site.institution.toUpperCase() }],
    active: true,
    type: [concept('http://terminology.hl7.org/CodeSystem/organization-type', 'prov', 'Healthcare Provider')],
    name: site.displayName,
  };
}

/** The coded diagnosis in the site's code systems; the text is the clinician-facing display. */
export function diagnosisConcept(site: SiteProfile, code: DiagnosisCode) {
  const icd = coding(SYSTEMS.icd10cm, code.icd10.code, code.icd10.display);
  const snomed = coding(SYSTEMS.snomed, code.snomed.code, code.snomed.display);
  switch (site.diagnosisCoding) {
    case 'icd10-cm': return { coding: [icd], text: code.icd10.display };
    case 'snomed-ct': return { coding: [snomed], text: code.snomed.display.replace(/ \((disorder|finding)\)$/, '') };
    case 'icd10-cm+snomed-ct': return { coding: [icd, snomed], text: code.icd10.display };
  }
}

export function patientResource(site: SiteProfile, identity: SimIdentity, organizationId: string, rng: SeededRandom): FhirResource {
  const mr = {
    use: 'usual',
    type: { coding: [coding(SYSTEMS.identifierType, 'MR', 'Medical Record Number')], text: 'Medical Record Number' },
    system: site.mrnSystem,
    value: identity.mrn,
    assigner: { display: site.displayName },
  };
  const identifiers: unknown[] = [mr];
  if (rng.chance(0.9)) {
    identifiers.push({ type: { coding: [coding(SYSTEMS.identifierType, 'SS', 'Social Security Number')], text: 'Social Security Number' }, system: SYSTEMS.ssn, value: identity.ssn });
  }
  const extension: unknown[] = [];
  if (identity.race) {
    extension.push({ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race', extension: [
      { url: 'ombCategory', valueCoding: coding('urn:oid:2.16.840.1.113883.6.238', identity.race.code, identity.race.display) },
      { url: 'text', valueString: identity.race.display },
    ] });
  }
  if (identity.ethnicity) {
    extension.push({ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity', extension: [
      { url: 'ombCategory', valueCoding: coding('urn:oid:2.16.840.1.113883.6.238', identity.ethnicity.code, identity.ethnicity.display) },
      { url: 'text', valueString: identity.ethnicity.display },
    ] });
  }
  const telecom: unknown[] = [];
  if (identity.phone) telecom.push({ system: 'phone', value: identity.phone, use: 'home' });
  if (identity.mobile) telecom.push({ system: 'phone', value: identity.mobile, use: 'mobile' });
  if (identity.email) telecom.push({ system: 'email', value: identity.email, use: 'home' });
  const name: Record<string, unknown> = { use: 'official', family: identity.family, given: identity.given };
  if (identity.prefix) name.prefix = [identity.prefix];
  const resource: FhirResource = { resourceType: 'Patient', id: identity.id };
  if (extension.length > 0) resource.extension = extension;
  Object.assign(resource, { identifier: identifiers, active: true, name: [name] });
  if (telecom.length > 0) resource.telecom = telecom;
  resource.gender = identity.gender;
  resource.birthDate = formatDate(identity.birthDay);
  if (identity.deceasedMinute !== null) resource.deceasedDateTime = formatDateTime(identity.deceasedMinute, site.utcOffset);
  resource.address = [{
    use: 'home', type: 'both', line: identity.addressLines, city: identity.place.city,
    state: identity.place.state, postalCode: identity.place.zip, country: 'US',
  }];
  if (identity.maritalStatus) {
    const displays = { M: 'Married', S: 'Never Married', D: 'Divorced', W: 'Widowed' } as const;
    resource.maritalStatus = concept(SYSTEMS.maritalStatus, identity.maritalStatus, displays[identity.maritalStatus]);
  }
  if (identity.language) {
    const displays = { 'en-US': 'English (United States)', es: 'Spanish', de: 'German' } as const;
    resource.communication = [{ language: concept('urn:ietf:bcp:47', identity.language, displays[identity.language]) }];
  }
  resource.managingOrganization = { reference: `Organization/${organizationId}`, display: site.displayName };
  return resource;
}

function encounterResource(site: SiteProfile, patient: SimPatient, enc: SimEncounter, organizationId: string): FhirResource {
  const r: FhirResource = {
    resourceType: 'Encounter', id: enc.id,
    identifier: [{ use: 'official', system: `https://${site.host}/fhir/sid/visit-number`, value: enc.visitNumber }],
    status: enc.end === null ? 'in-progress' : 'finished',
    class: coding(SYSTEMS.actCode, enc.cls, ENCOUNTER_CLASS_DISPLAY[enc.cls]),
    type: [concept(SYSTEMS.snomed, enc.type.code, enc.type.display)],
  };
  if (enc.cls !== 'AMB') {
    r.priority = enc.emergency ? concept(SYSTEMS.actPriority, 'EM', 'emergency') : concept(SYSTEMS.actPriority, 'EL', 'elective');
  }
  r.subject = { reference: `Patient/${patient.identity.id}` };
  r.participant = [{ individual: { display: enc.practitioner } }];
  const start = formatDateTime(enc.start, site.utcOffset);
  r.period = enc.end === null ? { start } : { start, end: formatDateTime(enc.end, site.utcOffset) };
  if (enc.cls === 'IMP' && enc.end !== null) {
    r.length = { value: dayOf(enc.end) - dayOf(enc.start), unit: 'days', system: SYSTEMS.ucum, code: 'd' };
  }
  if (enc.reason) r.reasonCode = [diagnosisConcept(site, enc.reason)];
  if (enc.diagnoses.length > 0) {
    r.diagnosis = enc.diagnoses.map((c, i) => ({
      condition: { reference: `Condition/${c.id}` },
      use: i === 0
        ? (enc.end === null ? concept(SYSTEMS.diagnosisRole, 'AD', 'Admission diagnosis') : concept(SYSTEMS.diagnosisRole, 'DD', 'Discharge diagnosis'))
        : concept(SYSTEMS.diagnosisRole, 'CM', 'Comorbidity diagnosis'),
      rank: i + 1,
    }));
  }
  const hospitalization: Record<string, unknown> = {};
  if (enc.admitSource) hospitalization.admitSource = concept(SYSTEMS.admitSource, enc.admitSource, ADMIT_SOURCES[enc.admitSource]);
  if (enc.disposition) hospitalization.dischargeDisposition = concept(SYSTEMS.dischargeDisposition, enc.disposition, DISCHARGE_DISPOSITIONS[enc.disposition]);
  if (Object.keys(hospitalization).length > 0) r.hospitalization = hospitalization;
  r.serviceProvider = { reference: `Organization/${organizationId}`, display: site.displayName };
  return r;
}

function conditionResource(site: SiteProfile, patient: SimPatient, c: SimCondition): FhirResource {
  const r: FhirResource = {
    resourceType: 'Condition', id: c.id,
    clinicalStatus: { coding: [coding(SYSTEMS.conditionClinical, c.resolved ? 'resolved' : 'active')] },
    verificationStatus: { coding: [coding(SYSTEMS.conditionVerification, 'confirmed')] },
    category: [{ coding: [coding(SYSTEMS.conditionCategory, c.listKind, c.listKind === 'problem-list-item' ? 'Problem List Item' : 'Encounter Diagnosis')] }],
    code: diagnosisConcept(site, c.code),
    subject: { reference: `Patient/${patient.identity.id}` },
  };
  if (c.encounterId) r.encounter = { reference: `Encounter/${c.encounterId}` };
  const when = formatDateTime(c.minute, site.utcOffset);
  if (c.writeOnset) r.onsetDateTime = when;
  r.recordedDate = when;
  return r;
}

function observationResource(site: SiteProfile, patient: SimPatient, o: SimObservation, withReferenceRange: boolean): FhirResource {
  const { lab } = o;
  const quantity = (value: number) => ({ value, unit: lab.unit, system: SYSTEMS.ucum, code: lab.unit });
  const r: FhirResource = {
    resourceType: 'Observation', id: o.id, status: 'final',
    category: [{ coding: [coding(SYSTEMS.observationCategory, lab.category, lab.category === 'laboratory' ? 'Laboratory' : 'Vital Signs')] }],
    code: concept(SYSTEMS.loinc, lab.loinc, lab.display),
    subject: { reference: `Patient/${patient.identity.id}` },
    encounter: { reference: `Encounter/${o.encounterId}` },
    effectiveDateTime: formatDateTime(o.minute, site.utcOffset),
    issued: formatDateTime(o.minute + 47, site.utcOffset),
    valueQuantity: quantity(o.value),
  };
  const low = 'low' in lab ? lab.low : undefined;
  const high = 'high' in lab ? lab.high : undefined;
  if (low !== undefined || high !== undefined) {
    const flag = low !== undefined && o.value < low ? ['L', 'Low'] : high !== undefined && o.value > high ? ['H', 'High'] : ['N', 'Normal'];
    r.interpretation = [concept(SYSTEMS.interpretation, flag[0]!, flag[1]!)];
    if (withReferenceRange) {
      const range: Record<string, unknown> = {};
      if (low !== undefined) range.low = quantity(low);
      if (high !== undefined) range.high = quantity(high);
      r.referenceRange = [range];
    }
  }
  return r;
}

/** Every resource of one patient, by type, in a stable order. */
export function* patientFhirResources(site: SiteProfile, patient: SimPatient, organizationId: string, rng: SeededRandom): Generator<FhirResource> {
  const subject = { reference: `Patient/${patient.identity.id}` };
  yield patientResource(site, patient.identity, organizationId, rng);
  for (const enc of patient.encounters) yield encounterResource(site, patient, enc, organizationId);
  for (const c of patient.conditions) yield conditionResource(site, patient, c);
  for (const o of patient.observations) yield observationResource(site, patient, o, site.referenceRanges);
  const practitionerOf = new Map(patient.encounters.map((e) => [e.id, e.practitioner]));
  for (const m of patient.medications) {
    const categoryDisplay = { inpatient: 'Inpatient', community: 'Community', discharge: 'Discharge' }[m.category];
    yield {
      resourceType: 'MedicationRequest', id: m.id, status: m.status, intent: 'order',
      category: [concept(SYSTEMS.medicationRequestCategory, m.category, categoryDisplay)],
      medicationCodeableConcept: concept(SYSTEMS.rxnorm, m.med.rxnorm, m.med.display),
      subject, encounter: { reference: `Encounter/${m.encounterId}` },
      authoredOn: formatDateTime(m.minute, site.utcOffset),
      requester: { display: practitionerOf.get(m.encounterId) ?? 'Unknown' },
      dosageInstruction: [{
        sequence: 1, text: `1 dose ${m.med.timesPerDay} times daily`,
        timing: { repeat: { frequency: m.med.timesPerDay, period: 1, periodUnit: 'd' } },
      }],
    };
  }
  for (const p of patient.procedures) {
    yield {
      resourceType: 'Procedure', id: p.id, status: 'completed',
      code: concept(SYSTEMS.snomed, p.code, p.display), subject,
      encounter: { reference: `Encounter/${p.encounterId}` },
      performedPeriod: { start: formatDateTime(p.minute, site.utcOffset), end: formatDateTime(p.minute + p.durationMinutes, site.utcOffset) },
    };
  }
  for (const i of patient.immunizations) {
    yield {
      resourceType: 'Immunization', id: i.id, status: 'completed', vaccineCode: concept(SYSTEMS.cvx, i.code, i.display),
      patient: subject, encounter: { reference: `Encounter/${i.encounterId}` },
      occurrenceDateTime: formatDateTime(i.minute, site.utcOffset), primarySource: true,
    };
  }
  for (const a of patient.allergies) {
    yield {
      resourceType: 'AllergyIntolerance', id: a.id,
      clinicalStatus: { coding: [coding(SYSTEMS.allergyClinical, 'active')] },
      verificationStatus: { coding: [coding(SYSTEMS.allergyVerification, 'confirmed')] },
      type: 'allergy', category: [a.category], criticality: a.criticality,
      code: concept(SYSTEMS.snomed, a.code, a.display), patient: subject,
      recordedDate: formatDateTime(a.minute, site.utcOffset),
    };
  }
}
