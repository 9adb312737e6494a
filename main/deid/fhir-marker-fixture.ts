// FHIR R4 resources whose every identifying element holds a unique, obviously fake marker
// (STYLE.md: a scan of the output can then prove each one is gone). One patient and one resource of
// each stored type, shaped as a transaction bundle would carry them (urn:uuid references).
import { createFhirDeidentifier } from './fhir-deidentifier.ts';
import type { PseudonymKey } from './pseudonym-key.ts';
import type { DeidentifiedResource, PatientIdentity } from './safe-harbor-policy.ts';

export const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const PATIENT_URL = 'urn:uuid:6f1c2b9a-0d4e-4c55-9a8e-1b2c3d4e5f60';
export const ENCOUNTER_URL = 'urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const OBSERVATION_URL = 'urn:uuid:11111111-2222-4333-8444-555555555555';
export const STUDY_UID = '1.2.840.113619.2.55.3.604688119.868.1234567890.123';
export const SERIES_UID = '1.2.840.113619.2.55.3.604688119.868.1234567890.124';
export const INSTANCE_UID = '1.2.840.113619.2.55.3.604688119.868.1234567890.125';

export const idType = (code: string) => ({
  coding: [{ system: V2, code }],
  text: 'ZZIDTYPETEXT-MARKER-1',
});
const cc = (system: string, code: string, marker: string) => ({
  coding: [{ system, code, display: `ZZ${marker}DISPLAY-MARKER-1` }],
  text: `ZZ${marker}TEXT-MARKER-1`,
});

/** A Patient carrying every Safe Harbor identifier class as a marker. */
export function markedPatient(): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    id: 'ZZPATIENTID-MARKER-1',
    meta: {
      versionId: 'ZZVERSION-MARKER-1',
      source: 'ZZSOURCE-MARKER-1',
      lastUpdated: '2021-02-03T04:05:06Z',
      tag: [{ system: 'urn:tag', code: 'ZZTAG-MARKER-1' }],
    },
    text: {
      status: 'generated',
      div: '<div xmlns="http://www.w3.org/1999/xhtml">ZZNARRATIVE-MARKER-1</div>',
    },
    contained: [
      { resourceType: 'RelatedPerson', id: 'rp1', name: [{ family: 'ZZCONTAINEDNAME-MARKER-1' }] },
    ],
    extension: [
      {
        url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName',
        valueString: 'ZZMAIDEN-MARKER-1',
      },
      {
        url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
        valueAddress: { city: 'ZZBIRTHCITY-MARKER-1', state: 'MA', country: 'US' },
      },
      {
        url: 'http://example.org/fhir/StructureDefinition/homepage',
        valueUrl: 'https://zzhomepage-marker-1.example.org/',
      },
      {
        url: 'http://example.org/fhir/StructureDefinition/last-login',
        valueString: 'ZZLOGIN-MARKER-1 from 198.51.100.23',
      },
    ],
    modifierExtension: [
      { url: 'http://example.org/fhir/StructureDefinition/flag', valueString: 'ZZMODEXT-MARKER-1' },
    ],
    identifier: [
      {
        use: 'usual',
        type: idType('MR'),
        system: 'urn:oid:1.2.36.146.595.217.0.1',
        value: 'ZZMRN-MARKER-1',
        assigner: { display: 'ZZASSIGNER-MARKER-1' },
      },
      { type: idType('SS'), system: 'http://hl7.org/fhir/sid/us-ssn', value: 'ZZSSN-MARKER-1' },
      { type: idType('SS'), system: 'http://hl7.org/fhir/sid/us-ssn', value: '999-41-7316' },
      { type: idType('MB'), system: 'http://example.org/health-plan', value: 'ZZPLAN-MARKER-1' },
      { type: idType('AN'), system: 'http://example.org/accounts', value: 'ZZACCOUNT-MARKER-1' },
      {
        type: idType('DL'),
        system: 'urn:oid:2.16.840.1.113883.4.3.25',
        value: 'ZZLICENCE-MARKER-1',
      },
      { type: idType('PPN'), system: 'http://example.org/passport', value: 'ZZPASSPORT-MARKER-1' },
    ],
    name: [
      {
        use: 'official',
        family: 'ZZNAME-MARKER-1',
        given: ['ZZGIVEN-MARKER-1'],
        prefix: ['ZZPREFIX-MARKER-1'],
        text: 'ZZNAMETEXT-MARKER-1',
      },
    ],
    telecom: [
      { system: 'phone', value: 'ZZPHONE-MARKER-1', use: 'home' },
      { system: 'phone', value: '555-867-5309' },
      { system: 'fax', value: 'ZZFAX-MARKER-1' },
      { system: 'email', value: 'zzemail-marker-1@example.org' },
      { system: 'url', value: 'https://zzurl-marker-1.example.org' },
      { system: 'other', value: '203.0.113.77' },
    ],
    gender: 'female',
    birthDate: '1961-07-14',
    address: [
      {
        use: 'home',
        text: 'ZZADDRTEXT-MARKER-1',
        line: ['ZZSTREET-MARKER-1', 'ZZUNIT-MARKER-1'],
        city: 'ZZCITY-MARKER-1',
        district: 'ZZDISTRICT-MARKER-1',
        state: 'Massachusetts',
        postalCode: '02720-1234',
        country: 'US',
        period: { start: '2001-02-03' },
        extension: [
          {
            url: 'http://hl7.org/fhir/StructureDefinition/geolocation',
            extension: [
              { url: 'latitude', valueDecimal: 41.725351 },
              { url: 'longitude', valueDecimal: -71.094162 },
            ],
          },
        ],
      },
    ],
    maritalStatus: cc('http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', 'M', 'MARITAL'),
    photo: [
      {
        contentType: 'image/jpeg',
        data: 'WlpQSE9UTy1NQVJLRVItMQ==',
        url: 'https://zzphoto-marker-1.example.org/p.jpg',
        title: 'ZZPHOTOTITLE-MARKER-1',
      },
    ],
    contact: [
      {
        name: { family: 'ZZCONTACTNAME-MARKER-1', given: ['ZZCONTACTGIVEN-MARKER-1'] },
        telecom: [{ system: 'phone', value: 'ZZCONTACTPHONE-MARKER-1' }],
        address: { line: ['ZZCONTACTSTREET-MARKER-1'], city: 'ZZCONTACTCITY-MARKER-1' },
        organization: { display: 'ZZEMPLOYER-MARKER-1' },
      },
    ],
    communication: [
      { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en' }] }, preferred: true },
    ],
    generalPractitioner: [
      { reference: 'Practitioner/ZZGPID-MARKER-1', display: 'ZZGPNAME-MARKER-1' },
    ],
    managingOrganization: { reference: 'Organization/org1', display: 'ZZORGNAME-MARKER-1' },
    link: [{ other: { reference: 'Patient/ZZLINKID-MARKER-1' }, type: 'seealso' }],
  };
}

const subject = { reference: PATIENT_URL, display: 'ZZSUBJECTDISPLAY-MARKER-1' };
const encounterRef = { reference: ENCOUNTER_URL, display: 'ZZENCOUNTERDISPLAY-MARKER-1' };

/** One resource of each stored clinical type (three extra Observations), all marked. */
export function markedClinical(): Record<string, unknown>[] {
  return [
    {
      resourceType: 'Encounter',
      id: 'ZZENCOUNTERID-MARKER-1',
      meta: { versionId: 'ZZENCVERSION-MARKER-1' },
      text: { status: 'generated', div: '<div>ZZENCNARRATIVE-MARKER-1</div>' },
      identifier: [{ system: 'urn:visit', value: 'ZZVISIT-MARKER-1' }],
      extension: [{ url: 'http://example.org/ext', valueString: 'ZZEXTENSION-MARKER-1' }],
      modifierExtension: [{ url: 'http://example.org/mod', valueCode: 'ZZMODIFIER-MARKER-1' }],
      status: 'finished',
      _status: {
        extension: [{ url: 'http://example.org/x', valueString: 'ZZPRIMITIVEEXT-MARKER-1' }],
      },
      class: {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code: 'IMP',
        display: 'ZZCLASSDISPLAY-MARKER-1',
      },
      type: [cc(SNOMED, '183452005', 'ENCTYPE')],
      subject,
      participant: [
        {
          individual: {
            reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|ZZNPI-MARKER-1',
            display: 'Dr. ZZDOCTOR-MARKER-1',
          },
        },
      ],
      period: { start: '2019-03-04T22:10:00-05:00', end: '2019-03-07T09:15:00-05:00' },
      account: [
        { reference: 'Account/ZZACCOUNTREF-MARKER-1', display: 'ZZACCOUNTDISPLAY-MARKER-1' },
      ],
      hospitalization: {
        preAdmissionIdentifier: { value: 'ZZPREADMIT-MARKER-1' },
        origin: { display: 'ZZORIGIN-MARKER-1' },
        dischargeDisposition: cc(
          'http://terminology.hl7.org/CodeSystem/discharge-disposition',
          'home',
          'DISCHARGE',
        ),
      },
      location: [
        {
          location: { reference: 'Location/loc1', display: 'ZZWARD-MARKER-1' },
          status: 'completed',
        },
      ],
    },
    {
      resourceType: 'Condition',
      id: 'ZZCONDITIONID-MARKER-1',
      contained: [
        {
          resourceType: 'Practitioner',
          id: 'p1',
          name: [{ family: 'ZZCONTAINED-MARKER-1' }],
          telecom: [{ system: 'phone', value: 'ZZCONTAINEDPHONE-MARKER-1' }],
        },
      ],
      asserter: { reference: '#p1' },
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' },
        ],
      },
      code: cc(SNOMED, '44054006', 'CONDITION'),
      subject: { reference: 'Patient/ZZPATIENTID-MARKER-1' },
      encounter: encounterRef,
      onsetDateTime: '2019-03-04',
      abatementString: 'ZZABATEMENT-MARKER-1',
      recordedDate: '2019-03-05T10:00:00Z',
      note: [
        {
          authorString: 'ZZNOTEAUTHOR-MARKER-1',
          time: '2019-03-05T11:00:00Z',
          text: 'ZZNOTE-MARKER-1',
        },
      ],
      evidence: [{ detail: [{ reference: 'Observation/x1', display: 'ZZEVIDENCE-MARKER-1' }] }],
    },
    {
      resourceType: 'Observation',
      id: 'ZZOBSERVATIONID-MARKER-1',
      status: 'final',
      code: cc(LOINC, '8867-4', 'OBSCODE'),
      subject,
      encounter: encounterRef,
      effectiveDateTime: '2019-03-05T08:30:00+01:00',
      issued: '2019-03-05T08:31:02.123+01:00',
      valueQuantity: { value: 72, unit: '/min', system: UCUM, code: '/min' },
      performer: [{ reference: 'Practitioner/pr9', display: 'ZZPERFORMER-MARKER-1' }],
      device: {
        identifier: { system: 'urn:udi', value: 'ZZDEVICEUDI-MARKER-1' },
        display: 'serial ZZDEVICESERIAL-MARKER-1',
      },
      note: [{ text: 'seen from 192.0.2.44 ZZOBSNOTE-MARKER-1' }],
      interpretation: [
        cc('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', 'N', 'INTERP'),
      ],
      referenceRange: [
        {
          low: { value: 60, unit: '/min' },
          high: { value: 100, unit: '/min' },
          text: 'ZZRANGETEXT-MARKER-1',
          age: { low: { value: 90, unit: 'a' } },
        },
      ],
      component: [
        { code: cc(LOINC, '8867-4', 'COMPONENT'), valueString: 'ZZCOMPONENTSTRING-MARKER-1' },
      ],
    },
    {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: LOINC, code: '72166-2' }] },
      subject: { reference: 'Patient/ZZPATIENTID-MARKER-1' },
      effectiveDateTime: '2019-03-05',
      valueString: 'VIN ZZVIN-MARKER-1 plate ZZPLATE-MARKER-1 logged from 203.0.113.9',
    },
    {
      resourceType: 'Observation',
      id: 'fingerprint',
      status: 'final',
      code: { coding: [{ system: LOINC, code: '11502-2' }] },
      subject,
      valueAttachment: {
        contentType: 'image/png',
        data: 'WlpCSU9NRVRSSUMtTUFSS0VSLTE=',
        url: 'https://zzattachment-marker-1.example.org/f.png',
        title: 'ZZATTACHMENTTITLE-MARKER-1',
      },
    },
    {
      resourceType: 'Observation',
      id: 'waveform',
      status: 'final',
      code: { coding: [{ system: LOINC, code: '131328' }] },
      subject,
      valueSampledData: {
        origin: { value: 0 },
        period: 10,
        dimensions: 1,
        data: 'ZZSAMPLEDDATA-MARKER-1',
      },
    },
    {
      resourceType: 'MedicationRequest',
      id: 'ZZMEDREQID-MARKER-1',
      identifier: [{ value: 'ZZRXNUMBER-MARKER-1' }],
      groupIdentifier: { value: 'ZZGROUP-MARKER-1' },
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: cc('http://www.nlm.nih.gov/research/umls/rxnorm', '197361', 'MED'),
      subject,
      encounter: encounterRef,
      authoredOn: '2019-03-06T14:00:00Z',
      requester: {
        reference:
          'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|ZZPRESCRIBERNPI-MARKER-1',
        display: 'ZZPRESCRIBER-MARKER-1',
      },
      dosageInstruction: [
        {
          sequence: 1,
          text: 'ZZDOSAGE-MARKER-1',
          patientInstruction: 'ZZPATIENTINSTRUCTION-MARKER-1',
          timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', timeOfDay: ['08:15:00'] } },
          doseAndRate: [{ doseQuantity: { value: 5, unit: 'mg', system: UCUM, code: 'mg' } }],
        },
      ],
      note: [{ text: 'ZZRXNOTE-MARKER-1' }],
      insurance: [{ reference: 'Coverage/cov1', display: 'ZZPLANNAME-MARKER-1' }],
      dispenseRequest: {
        validityPeriod: { start: '2019-03-06', end: '2019-06-06' },
        performer: { display: 'ZZPHARMACY-MARKER-1' },
      },
    },
    {
      resourceType: 'MedicationStatement',
      id: 'statement1',
      status: 'active',
      medicationCodeableConcept: cc(
        'http://www.nlm.nih.gov/research/umls/rxnorm',
        '197361',
        'STATEMENTMED',
      ),
      subject,
      effectivePeriod: { start: '2019-01-01', end: '2019-12-31' },
      dateAsserted: '2019-03-06',
      informationSource: { display: 'ZZINFOSOURCE-MARKER-1' },
      note: [{ text: 'ZZSTATEMENTNOTE-MARKER-1' }],
      dosage: [{ text: 'ZZSTATEMENTDOSAGE-MARKER-1' }],
    },
    {
      resourceType: 'Procedure',
      id: 'procedure1',
      status: 'completed',
      code: cc(SNOMED, '80146002', 'PROCEDURE'),
      subject,
      encounter: encounterRef,
      performedPeriod: { start: '2019-03-05T09:00:00Z', end: '2019-03-05T10:30:00Z' },
      performer: [{ actor: { reference: 'Practitioner/pr1', display: 'ZZSURGEON-MARKER-1' } }],
      focalDevice: [
        {
          manipulated: { reference: 'Device/dev1', display: 'pacemaker serial ZZSERIAL-MARKER-1' },
        },
      ],
      usedReference: [{ identifier: { system: 'urn:udi', value: 'ZZUSEDUDI-MARKER-1' } }],
      note: [{ text: 'ZZPROCNOTE-MARKER-1' }],
    },
    {
      resourceType: 'AllergyIntolerance',
      id: 'allergy1',
      clinicalStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
            code: 'active',
          },
        ],
      },
      type: 'allergy',
      category: ['medication'],
      code: cc('http://www.nlm.nih.gov/research/umls/rxnorm', '7980', 'ALLERGY'),
      patient: { reference: 'Patient/ZZPATIENTID-MARKER-1' },
      recordedDate: '2018-11-02',
      onsetString: 'ZZONSETSTRING-MARKER-1',
      recorder: { display: 'ZZRECORDER-MARKER-1' },
      reaction: [
        {
          manifestation: [cc(SNOMED, '39579001', 'MANIFEST')],
          description: 'ZZREACTION-MARKER-1',
          note: [{ text: 'ZZREACTIONNOTE-MARKER-1' }],
          severity: 'severe',
        },
      ],
    },
    {
      resourceType: 'DiagnosticReport',
      id: 'report1',
      status: 'final',
      code: cc(LOINC, '58410-2', 'REPORT'),
      subject,
      encounter: encounterRef,
      effectiveDateTime: '2019-03-05',
      issued: '2019-03-05T12:00:00Z',
      result: [{ reference: OBSERVATION_URL, display: 'ZZRESULTDISPLAY-MARKER-1' }],
      conclusion: 'ZZCONCLUSION-MARKER-1',
      conclusionCode: [cc(SNOMED, '281900007', 'CONCLUSIONCODE')],
      presentedForm: [
        {
          contentType: 'application/pdf',
          data: 'WlpSRVBPUlQtTUFSS0VSLTE=',
          title: 'ZZREPORTTITLE-MARKER-1',
          url: 'https://zzreport-marker-1.example.org/r.pdf',
        },
      ],
      media: [{ comment: 'ZZMEDIACOMMENT-MARKER-1', link: { reference: 'Media/m1' } }],
    },
    {
      resourceType: 'ImagingStudy',
      id: 'study1',
      identifier: [
        { system: 'urn:dicom:uid', value: `urn:oid:${STUDY_UID}` },
        { type: idType('ACSN'), system: 'urn:accession', value: 'ZZACCESSION-MARKER-1' },
      ],
      status: 'available',
      modality: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT' }],
      subject,
      started: '2019-03-05T13:00:00Z',
      description: 'ZZSTUDYDESC-MARKER-1',
      referrer: { display: 'ZZREFERRER-MARKER-1' },
      note: [{ text: 'ZZIMAGINGNOTE-MARKER-1' }],
      series: [
        {
          uid: SERIES_UID,
          number: 1,
          modality: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT' },
          description: 'ZZSERIESDESC-MARKER-1',
          performer: [{ actor: { display: 'ZZTECHNOLOGIST-MARKER-1' } }],
          instance: [
            {
              uid: INSTANCE_UID,
              sopClass: { system: 'urn:ietf:rfc:3986', code: 'urn:oid:1.2.840.10008.5.1.4.1.1.2' },
              number: 1,
              title: 'ZZINSTANCETITLE-MARKER-1',
            },
          ],
        },
      ],
    },
    {
      resourceType: 'Immunization',
      id: 'immunization1',
      status: 'completed',
      vaccineCode: cc('http://hl7.org/fhir/sid/cvx', '140', 'VACCINE'),
      patient: { reference: 'Patient/ZZPATIENTID-MARKER-1' },
      occurrenceDateTime: '2018-10-01T09:00:00-04:00',
      lotNumber: 'ZZLOT-MARKER-1',
      expirationDate: '2019-12-31',
      manufacturer: { display: 'ZZMANUFACTURER-MARKER-1' },
      performer: [{ actor: { display: 'ZZVACCINATOR-MARKER-1' } }],
      note: [{ text: 'ZZIMMUNIZATIONNOTE-MARKER-1' }],
      education: [
        {
          documentType: 'ZZEDUCATIONDOC-MARKER-1',
          reference: 'https://zzeducation-marker-1.example.org',
        },
      ],
      protocolApplied: [{ series: 'ZZSERIES-MARKER-1', doseNumberPositiveInt: 1 }],
    },
  ];
}

/** Maps the fixture's bundle fullUrls to Type/id, as the import pipeline does per bundle. */
export const resolveReference = (ref: string) =>
  ({
    [PATIENT_URL]: 'Patient/ZZPATIENTID-MARKER-1',
    [ENCOUNTER_URL]: 'Encounter/ZZENCOUNTERID-MARKER-1',
    [OBSERVATION_URL]: 'Observation/ZZOBSERVATIONID-MARKER-1',
  })[ref];

/** The marked fixture after de-identification, with both sides serialised for scanning. */
export interface MarkedRun {
  identity: PatientIdentity;
  outputs: DeidentifiedResource[];
  /** JSON.stringify of every output, every field (body and the others). */
  json: string;
  input: string;
}

/** De-identifies the fixture as the import pipeline does: the Patient first, then the rest. */
export function deidentifyMarkedFixture(key: PseudonymKey, asOf: Date): MarkedRun {
  const deid = createFhirDeidentifier({ key, asOf });
  const patient = markedPatient();
  const clinical = markedClinical();
  const identity = deid.identifyPatient(patient, PATIENT_URL);
  const ctx = deid.contextFor(identity.pseudonym);
  const outputs = [
    deid.deidentifyPatient(patient, ctx, PATIENT_URL),
    ...clinical.map((r) => deid.deidentify(r, ctx, { resolveReference })),
  ];
  return {
    identity,
    outputs,
    json: JSON.stringify([identity, outputs]),
    input: JSON.stringify([patient, clinical]),
  };
}

/** The n-th output of a type. */
export function outputOf(run: MarkedRun, type: string, index = 0): DeidentifiedResource {
  const found = run.outputs.filter((o) => o.type === type)[index];
  if (!found) throw new Error(`no ${type} output`);
  return found;
}
