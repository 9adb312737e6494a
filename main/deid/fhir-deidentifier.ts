// The HIPAA Safe Harbor profile applied to FHIR R4 resources (45 CFR 164.514(b)(2)). Output is built
// from the allowlist (safe-harbor-elements.ts), never by deleting from a copy; identities become
// keyed opaque values, dates become shifted day numbers, and Patient demographics are generalised.
import { applyAllowlist, isObject, type AllowlistScope } from './element-allowlist.ts';
import { clinicalIndexOf } from './clinical-index.ts';
import { ClinicalScope } from './clinical-scope.ts';
import { createOpaqueReferences } from './opaque-references.ts';
import { generaliseDemographics } from './patient-demographics.ts';
import { selectPatientMrn } from './patient-mrn.ts';
import {
  dateShiftDays,
  deidentifiedUid,
  patientPseudonym,
  type PseudonymKey,
} from './pseudonym-key.ts';
import { calendarDateOfUtc } from './safe-harbor-age.ts';
import {
  CLINICAL_ELEMENTS,
  PATIENT_ELEMENTS,
  PATIENT_REFERENCE_ELEMENT,
} from './safe-harbor-elements.ts';
import {
  SAFE_HARBOR_POLICY,
  type DeidentifiedBody,
  type DeidentifiedPatient,
  type DeidentifiedResource,
  type DeidentifyOptions,
  type FhirDeidentifier,
  type FhirResourceJson,
  type PatientContext,
  type PatientIdentity,
  type ReferenceResolver,
} from './safe-harbor-policy.ts';
import { BugIndicatingError, InvalidInputError } from '../util/errors.ts';

export interface FhirDeidentifierOptions {
  key: PseudonymKey;
  /** Reference date for the age of living patients (the import date). */
  asOf: Date;
  /** Identifier systems accepted as the MRN when no identifier is typed MR. */
  mrnSystems?: readonly string[];
}

export function createFhirDeidentifier(options: FhirDeidentifierOptions): FhirDeidentifier {
  const { key } = options;
  if (Number.isNaN(options.asOf.getTime()))
    throw new BugIndicatingError('asOf must be a valid date.');
  const asOf = calendarDateOfUtc(options.asOf);
  const mrnSystems = options.mrnSystems ?? [];
  const refs = createOpaqueReferences(key);
  const scope = new ClinicalScope(refs, (uid) => deidentifiedUid(key, uid));

  function identifyPatient(resource: FhirResourceJson, fullUrl?: string): PatientIdentity {
    expectType(resource, 'Patient');
    const identity = refs.identityOf(resource, fullUrl);
    const mrn = selectPatientMrn(resource, mrnSystems, identity);
    const refKeys = [refs.keyOf(identity)];
    const urlTarget = fullUrl ? refs.target(fullUrl) : null;
    if (urlTarget) {
      const urlKey = refs.keyOf(urlTarget.identity);
      if (urlKey !== refKeys[0]) refKeys.push(urlKey);
    }
    return {
      pseudonym: patientPseudonym(key, mrn.system, mrn.value),
      refKeys,
      mrnSource: mrn.source,
      warnings: mrn.source === 'resource-id' ? ['pseudonym-from-resource-id'] : [],
    };
  }

  function patientRefKeyOf(
    resource: FhirResourceJson,
    resolveReference?: ReferenceResolver,
  ): string | null {
    const element = PATIENT_REFERENCE_ELEMENT.get(String(resource.resourceType));
    const reference = element === undefined ? undefined : resource[element];
    if (!isObject(reference) || typeof reference.reference !== 'string') return null;
    const target = refs.opaqueTarget(reference.reference, resolveReference);
    if (target === null) return null;
    // A subject may be a Group, Device or Location; an unresolved urn:uuid may still be the patient.
    const type = target.type ?? (typeof reference.type === 'string' ? reference.type : 'Patient');
    return type === 'Patient' ? target.key : null;
  }

  function contextFor(pseudonym: string): PatientContext {
    return { pseudonym, shiftDays: dateShiftDays(key, pseudonym) };
  }

  function deidentifyPatient(
    resource: FhirResourceJson,
    ctx: PatientContext,
    fullUrl?: string,
  ): DeidentifiedPatient {
    expectType(resource, 'Patient');
    const identity = refs.identityOf(resource, fullUrl);
    const resourceKey = refs.keyOf(identity);
    const body: DeidentifiedBody = { resourceType: 'Patient', id: resourceKey };
    applyAllowlist(resource, PATIENT_ELEMENTS, patientScope(ctx.shiftDays), body);
    const { elements, ...demographics } = generaliseDemographics(resource, ctx.shiftDays, asOf);
    Object.assign(body, elements);
    const mrn = selectPatientMrn(resource, mrnSystems, identity);
    return {
      type: 'Patient',
      key: resourceKey,
      body,
      patientRefKey: resourceKey,
      startDay: null,
      endDay: null,
      codes: [],
      pseudonym: ctx.pseudonym,
      sex: typeof body.gender === 'string' ? body.gender : null,
      ...demographics,
      mrnSource: mrn.source,
      warnings: mrn.source === 'resource-id' ? ['pseudonym-from-resource-id'] : [],
    };
  }

  function deidentify(
    resource: FhirResourceJson,
    ctx: PatientContext | null,
    options: DeidentifyOptions = {},
  ): DeidentifiedResource {
    const type = resource.resourceType;
    if (type === 'Patient') {
      return deidentifyPatient(
        resource,
        ctx ?? contextFor(identifyPatient(resource, options.fullUrl).pseudonym),
        options.fullUrl,
      );
    }
    const rules = typeof type === 'string' ? CLINICAL_ELEMENTS.get(type) : undefined;
    if (typeof type !== 'string' || rules === undefined) {
      throw new BugIndicatingError(
        `${String(type)} is not a stored type: check STORED_RESOURCE_TYPES before de-identifying.`,
      );
    }
    const resourceKey = refs.keyOf(refs.identityOf(resource, options.fullUrl));
    const patientRefKey = patientRefKeyOf(resource, options.resolveReference);
    const body: DeidentifiedBody = { resourceType: type, id: resourceKey };
    scope.enter(ctx, patientRefKey, options.resolveReference);
    applyAllowlist(resource, rules, scope, body);
    scope.enter(null, null, undefined); // holds no bundle resolver between calls
    return { type, key: resourceKey, body, patientRefKey, ...clinicalIndexOf(type, body) };
  }

  return {
    policy: SAFE_HARBOR_POLICY,
    identifyPatient,
    patientRefKeyOf,
    contextFor,
    deidentifyPatient,
    deidentify,
  };
}

function expectType(resource: FhirResourceJson, type: string): void {
  if (!isObject(resource) || resource.resourceType !== type) {
    throw new InvalidInputError(
      `Expected a ${type} resource, got ${isObject(resource) ? String(resource.resourceType) : typeof resource}.`,
    );
  }
}

/** Patient elements hold no references or UIDs; only the shift matters. */
function patientScope(shiftDays: number): AllowlistScope {
  return { shiftDays, reference: () => undefined, dicomUid: () => '' };
}
