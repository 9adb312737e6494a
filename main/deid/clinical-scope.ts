// The allowlist scope of a clinical resource: how its references become opaque and whether its
// dates can be shifted (only when its patient is known).
import type { AllowlistScope, JsonObject } from './element-allowlist.ts';
import type { OpaqueReferences } from './opaque-references.ts';
import type { PatientContext, ReferenceResolver } from './safe-harbor-policy.ts';

/**
 * References become `Type/<opaque key>`, `urn:key:<opaque key>` when the type is unknown, and
 * `Patient/<pseudonym>` for the resource's own patient. display, identifier and extensions of a
 * Reference are never copied (45 CFR 164.514(b)(2)(i)(A), (R)). One instance is reused for every
 * resource (`enter` sets the resource's patient), since de-identification is synchronous and this
 * is the hot path of an import.
 */
export class ClinicalScope implements AllowlistScope {
  shiftDays: number | null = null;
  private ctx: PatientContext | null = null;
  private patientRefKey: string | null = null;
  private resolve: ReferenceResolver | undefined;

  constructor(
    private readonly refs: OpaqueReferences,
    readonly dicomUid: (uid: string) => string,
  ) {}

  enter(
    ctx: PatientContext | null,
    patientRefKey: string | null,
    resolve: ReferenceResolver | undefined,
  ): void {
    this.ctx = ctx;
    this.shiftDays = ctx === null ? null : ctx.shiftDays;
    this.patientRefKey = patientRefKey;
    this.resolve = resolve;
  }

  reference(source: JsonObject): JsonObject | undefined {
    if (typeof source.reference !== 'string') return undefined;
    const target = this.refs.opaqueTarget(source.reference, this.resolve);
    if (target === null) return undefined;
    if (this.ctx !== null && target.key === this.patientRefKey)
      return { reference: `Patient/${this.ctx.pseudonym}` };
    const type =
      target.type ??
      (typeof source.type === 'string' && TYPE_HINTS.has(source.type) ? source.type : null);
    return { reference: type === null ? `urn:key:${target.key}` : `${type}/${target.key}` };
  }
}

// Reference.type (used only when the reference itself does not name a type) is trusted for the
// stored types and their usual targets; anything else could be free text.
const TYPE_HINTS = new Set([
  'Patient',
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'Encounter',
  'Condition',
  'Observation',
  'MedicationRequest',
  'MedicationStatement',
  'Medication',
  'Procedure',
  'DiagnosticReport',
  'ImagingStudy',
  'Immunization',
  'AllergyIntolerance',
  'Device',
  'Specimen',
  'Group',
  'RelatedPerson',
]);
