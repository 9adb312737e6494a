// The HIPAA Safe Harbor de-identification profile for FHIR R4 (45 CFR 164.514(b)(2)): its name and
// version (recorded with every import), the resource types it stores, and the contract the import
// pipeline calls (implemented by fhir-deidentifier.ts). How each identifier class is handled:
//   (A) names, (D)-(F) phone, fax, email, (N) URLs, (O) IP addresses: never in an allowlist
//       (safe-harbor-elements.ts), so dropped wherever they occur, contained resources included;
//   (B) geography: State and ZIP3 ("000" where restricted) for US addresses, country otherwise
//       (safe-harbor-address.ts, restricted-zip3.ts);
//   (C) dates: shifted day numbers; ages over 89 become "90+" with birth year and day suppressed
//       (patient-demographics.ts); ages recorded as quantities of 90+ years are dropped;
//   (G)-(M) SSN, MRN, health plan, account, licence, vehicle and device numbers: every identifier
//       is dropped; the MRN only seeds the keyed pseudonym (patient-mrn.ts);
//   (P) biometrics, (Q) photos: no Attachment or SampledData is ever kept;
//   (R) other unique codes: ids and references become keyed opaque values (opaque-references.ts),
//       free text (narrative, notes, display, text, descriptions) is dropped.
import { STORED_FHIR_RESOURCE_TYPES } from '../api/fhir-resource-types.ts';


/** The profile in force; bump `version` whenever a rule, allowlist or table changes. */
export const SAFE_HARBOR_POLICY = {
  name: 'HIPAA Safe Harbor',
  version: '1.0.0',
} as const satisfies {
  name: 'HIPAA Safe Harbor';
  version: string;
};

/** The resource types the research store keeps; the pipeline skips (and counts) every other type. */
export const STORED_RESOURCE_TYPES: ReadonlySet<string> = new Set(STORED_FHIR_RESOURCE_TYPES);

/** A parsed FHIR R4 resource, as read from a bundle entry or an NDJSON line. */
export type FhirResourceJson = Readonly<Record<string, unknown>>;

/** The patient a resource belongs to, as the pipeline resolved it. */
export interface PatientContext {
  readonly pseudonym: string;
  /** The patient's date shift in days (`dateShiftDays`). */
  readonly shiftDays: number;
}

/** Which identifier seeded the patient's pseudonym. */
export type MrnSource = 'mr' | 'configured' | 'first-identifier' | 'resource-id';

/** Conditions the pipeline should report, though the output is de-identified. */
export type SafeHarborWarning =
  /** The Patient has no usable identifier: its pseudonym comes from the resource id and will not link modalities. */
  'pseudonym-from-resource-id';

/** The pseudonym of a Patient resource and the opaque keys by which other resources reference it. */
export interface PatientIdentity {
  pseudonym: string;
  /** Opaque keys of every source reference naming this patient (`Patient/<id>`, its fullUrl). */
  refKeys: string[];
  mrnSource: MrnSource;
  warnings: SafeHarborWarning[];
}

/** The de-identified JSON of a resource: allowlisted elements only, dates as day numbers, `id` = key. */
export interface DeidentifiedBody {
  resourceType: string;
  id: string;
  [element: string]: unknown;
}

/** One de-identified resource, ready for the store. */
export interface DeidentifiedResource {
  type: string;
  /** Stable keyed identity of the source resource, for idempotent re-import. */
  key: string;
  body: DeidentifiedBody;
  /** Opaque key of the source patient reference (subject/patient), or null. */
  patientRefKey: string | null;
  /** The main clinical time as shifted day numbers; endDay is null when open or unknown. */
  startDay: number | null;
  endDay: number | null;
  /** `system|code` of the resource's main code(s). */
  codes: string[];
}

/** 5-year age bands, and "90+" for every age over 89 (45 CFR 164.514(b)(2)(i)(C)). */
export type AgeGroup = `${number}-${number}` | '90+';

/** A de-identified Patient and the generalised demographics the store keeps. */
export interface DeidentifiedPatient extends DeidentifiedResource {
  pseudonym: string;
  /** Administrative gender. */
  sex: string | null;
  ageGroup: AgeGroup | null;
  /** Null when the patient is 90 or older. */
  birthYear: number | null;
  /** Shifted day number of birth; null when the patient is 90 or older. */
  birthDay: number | null;
  deceased: boolean;
  deceasedDay: number | null;
  /** First three ZIP digits, "000" for restricted prefixes; US addresses only. */
  zip3: string | null;
  /** USPS state code; US addresses only. */
  state: string | null;
  /** ISO 3166 country code when recognisable. */
  country: string | null;
  mrnSource: MrnSource;
  warnings: SafeHarborWarning[];
}

/** Maps a source reference (e.g. a bundle `urn:uuid:`) to the canonical `Type/id` it names, when known. */
export type ReferenceResolver = (ref: string) => string | undefined;

export interface DeidentifyOptions {
  /** The bundle entry's fullUrl, used for the key when the resource has no id. */
  fullUrl?: string;
  resolveReference?: ReferenceResolver;
}

/** The Safe Harbor profile applied to FHIR R4 resources under one institution key. */
export interface FhirDeidentifier {
  readonly policy: typeof SAFE_HARBOR_POLICY;
  /** The pseudonym for a Patient resource and the opaque keys of every source reference that names it. */
  identifyPatient(resource: FhirResourceJson, fullUrl?: string): PatientIdentity;
  /** The opaque key of the source patient reference a non-Patient resource points to (subject/patient), or null. */
  patientRefKeyOf(resource: FhirResourceJson, resolveReference?: ReferenceResolver): string | null;
  /** The context (pseudonym and date shift) for a pseudonym. */
  contextFor(pseudonym: string): PatientContext;
  deidentifyPatient(
    resource: FhirResourceJson,
    ctx: PatientContext,
    fullUrl?: string,
  ): DeidentifiedPatient;
  /**
   * De-identifies a resource of a stored type. With `ctx` null (patient unknown) every date is
   * dropped, since no shift can be applied.
   */
  deidentify(
    resource: FhirResourceJson,
    ctx: PatientContext | null,
    options?: DeidentifyOptions,
  ): DeidentifiedResource;
}
