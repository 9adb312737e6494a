// Imports FHIR files into the store: read (streaming) → validate (R4 schema) → de-identify
// (Safe Harbor) → write, in batches of items. Composes ingest, deid and store,
// which know nothing of each other.
import type { ImportIssue } from '../api/contract.ts';
import type { FhirDeidentifier } from '../deid/safe-harbor-policy.ts';
import { dateShiftDays, type PseudonymKey } from '../deid/pseudonym-key.ts';
import { readFhirFile, type FhirItem } from '../ingest/fhir/fhir-reader.ts';
import { leadingResourceType } from '../ingest/fhir/ndjson-parser.ts';
import type { FhirValidator } from '../ingest/fhir/fhir-validator.ts';
import { medicationNames, pgxIngredientCodes } from '../features/pgx/medication-ingredients.ts';
import type { FileTally } from './import-progress.ts';
import type { ImportSink } from './store-sink.ts';

/** A resource whose patient was not known yet when it was read; retried at the end of the job. */
interface DeferredResource {
  resource: Record<string, unknown>;
  fullUrl?: string;
  position: string;
  tally: FileTally;
  resolveReference: (ref: string) => string | undefined;
}

/**
 * Items per batch sent to the writer thread, which groups batches into larger transactions. Small
 * batches keep little alive at once: 2,000 items left more of each batch to survive into the old
 * generation (FHIR bench: 27,500 -> 29,400-30,300 resources/s, 386 -> 351 MB with 500).
 */
const ITEMS_PER_BATCH = 500;

/**
 * Resources parsed ahead of de-identification. Parsed resources are large object trees and the
 * rows made from them are small strings, so each is de-identified soon after it is parsed and
 * dies young: a scavenge then copies rows, not trees.
 */
const PARSED_AHEAD = 50;

/** At most this many resources wait for their Patient; past that they are rejected as orphans. */
const MAX_DEFERRED = 200_000;

/**
 * This importer's share of the work when several import threads read the same files: NDJSON
 * lines by line number, other files whole by their index in the job. Patient lines are read by
 * every shard, so each knows every pseudonym, but written only by their owner.
 */
export interface FhirShard {
  index: number;
  count: number;
}

const PATIENT_LINE = /"resourceType"\s*:\s*"Patient"/;

export interface FhirImportServices {
  sink: ImportSink;
  deid: FhirDeidentifier;
  validator: FhirValidator;
  key: PseudonymKey;
  storedTypes: ReadonlySet<string>;
  report(issue: ImportIssue): void;
  signal: AbortSignal;
  shard?: FhirShard;
}

export class FhirImporter {
  private readonly aliases = new Map<string, string>();
  private readonly shifts = new Map<string, number>();
  private readonly deferred: DeferredResource[] = [];
  /** Files with resources among `deferred`: not complete until those are settled. */
  private readonly filesWithDeferred = new Set<number>();

  private shard: FhirShard | undefined;

  constructor(private readonly s: FhirImportServices) {
    this.shard = s.shard;
  }

  /** Makes this importer one of several reading the same files. */
  setShard(shard: FhirShard): void {
    this.shard = shard;
  }

  /** Whether this shard reads file `fileIndex` at all (NDJSON: always, split by line). */
  readsFile(fileIndex: number, kind: string): boolean {
    const shard = this.shard;
    return !shard || kind === 'fhir-ndjson' || fileIndex % shard.count === shard.index;
  }

  /** Streams one file into the store in batches of items. */
  async importFile(path: string, tally: FileTally): Promise<void> {
    // Bundle-local urn:uuid references resolve to Type/id where the bundle names both.
    const fullUrls = new Map<string, string>();
    const resolveReference = (ref: string) => fullUrls.get(ref);
    const shard = this.shard;
    const owns = (lineNumber: number) => !shard || lineNumber % shard.count === shard.index;
    // NDJSON lines are chosen before they are parsed: a line of a type the store does not keep
    // is counted from its leading resourceType and never parsed (Bulk Data exports put large
    // Claim, ExplanationOfBenefit and DocumentReference files beside the clinical ones), and
    // another shard's line is parsed here only if it is a Patient.
    const selectLine = (n: number, line: string): boolean => {
      const type = leadingResourceType(line);
      if (!owns(n)) return type === undefined ? PATIENT_LINE.test(line) : type === 'Patient';
      if (type === undefined || this.s.storedTypes.has(type)) return true;
      this.skip(tally, type);
      return false;
    };
    const options = { signal: this.s.signal, onBytes: (n: number) => (tally.bytesRead = n), batchSize: PARSED_AHEAD, selectLine };
    for await (const items of readFhirFile(path, options)) {
      for (const item of items) {
        if (shard && item.position.startsWith('line ') && !owns(Number(item.position.slice(5)))) {
          // Another shard's Patient line: its row is written here too (identical, idempotent) so
          // that this shard's resources never reach the store before their patient does; only
          // the owner counts it.
          if (item.ok && item.resource.resourceType === 'Patient' && !this.s.validator.validate(item.resource)) {
            this.writePatient(item.resource, item.fullUrl);
          }
          continue;
        }
        this.importItem(item, tally, fullUrls, resolveReference);
      }
      if (this.s.sink.queued >= ITEMS_PER_BATCH) await this.s.sink.endBatch();
    }
    await this.s.sink.endBatch();
  }

  private writePatient(resource: Record<string, unknown>, fullUrl: string | undefined): void {
    const { pseudonym, refKeys } = this.s.deid.identifyPatient(resource, fullUrl);
    const patient = this.s.deid.deidentifyPatient(resource, { pseudonym, shiftDays: this.shiftFor(pseudonym) }, fullUrl);
    this.s.sink.upsertPatient(patient);
    for (const refKey of refKeys) {
      this.aliases.set(refKey, pseudonym);
      this.s.sink.addAlias(refKey, pseudonym);
    }
  }

  private importItem(
    item: FhirItem,
    tally: FileTally,
    fullUrls: Map<string, string>,
    resolveReference: (ref: string) => string | undefined,
  ): void {
    if (!item.ok) {
      this.reject(tally, item.position, item.reason, item.path);
      return;
    }
    const resource = item.resource;
    const type = resource.resourceType as string;
    if (item.fullUrl && typeof resource.id === 'string') fullUrls.set(item.fullUrl, `${type}/${resource.id}`);
    if (!this.s.storedTypes.has(type)) {
      this.skip(tally, type);
      return;
    }
    const invalid = this.s.validator.validate(resource);
    if (invalid) {
      this.reject(tally, item.position, invalid.reason, invalid.path);
      return;
    }
    if (type === 'Patient') {
      this.importPatient(resource, item.fullUrl, tally);
      return;
    }
    const deferred: DeferredResource = { resource, fullUrl: item.fullUrl, position: item.position, tally, resolveReference };
    if (!this.importLinked(deferred)) {
      if (this.deferred.length < MAX_DEFERRED) {
        this.deferred.push(deferred);
        this.filesWithDeferred.add(tally.index);
      }
      else this.reject(tally, item.position, 'its Patient was not found, and too many resources are waiting for theirs; import the Patient resources first');
    }
  }

  private importPatient(resource: Record<string, unknown>, fullUrl: string | undefined, tally: FileTally): void {
    this.writePatient(resource, fullUrl);
    tally.accepted++;
    tally.inserted++;
  }

  /** De-identifies and stores a non-Patient resource; false when its patient is not known yet. */
  private importLinked(d: DeferredResource): boolean {
    const refKey = this.s.deid.patientRefKeyOf(d.resource, d.resolveReference);
    if (refKey === null) {
      this.reject(d.tally, d.position, 'it names no patient (subject/patient reference missing)');
      return true;
    }
    let pseudonym = this.aliases.get(refKey);
    if (pseudonym === undefined) {
      pseudonym = this.s.sink.findPseudonym(refKey);
      if (pseudonym === undefined) return false;
      this.aliases.set(refKey, pseudonym);
    }
    const out = this.s.deid.deidentify(d.resource, { pseudonym, shiftDays: this.shiftFor(pseudonym) }, {
      fullUrl: d.fullUrl,
      resolveReference: d.resolveReference,
    });
    if (out.type === 'MedicationRequest' || out.type === 'MedicationStatement') {
      // Ingredient codes of PGx-relevant drugs, read from the names before they are dropped.
      for (const code of pgxIngredientCodes(medicationNames(d.resource))) if (!out.codes.includes(code)) out.codes.push(code);
    }
    const body = JSON.stringify(out.body);
    this.s.sink.upsertResource(d.tally.index, {
      key: out.key,
      type: out.type,
      pseudonym,
      startDay: out.startDay,
      endDay: out.endDay,
      codes: out.codes,
      body,
    });
    // inserted/unchanged are counted when the writer acknowledges the batch
    d.tally.accepted++;
    return true;
  }

  /**
   * Whether resources of file `fileIndex` wait for their Patient. Such a file must not be marked
   * complete before `finishDeferred`: a re-run after a crash skips complete files.
   */
  hasDeferred(fileIndex: number): boolean {
    return this.filesWithDeferred.has(fileIndex);
  }

  /** Retries resources read before their Patient; the rest are reported as orphans. */
  async finishDeferred(): Promise<void> {
    if (this.deferred.length === 0) return;
    const pending = this.deferred.splice(0);
    for (let i = 0; i < pending.length; i += ITEMS_PER_BATCH) {
      for (const d of pending.slice(i, i + ITEMS_PER_BATCH)) {
        if (!this.importLinked(d)) {
          this.reject(d.tally, d.position, 'its Patient is not in this import or the store; import the Patient resource too');
        }
      }
      await this.s.sink.endBatch();
    }
  }

  private shiftFor(pseudonym: string): number {
    let shift = this.shifts.get(pseudonym);
    if (shift === undefined) {
      shift = dateShiftDays(this.s.key, pseudonym);
      this.shifts.set(pseudonym, shift);
    }
    return shift;
  }

  /** A resource of a type the store does not keep: counted, not imported. */
  private skip(tally: FileTally, type: string): void {
    tally.skipped++;
    tally.skippedByType[type] = (tally.skippedByType[type] ?? 0) + 1;
  }

  private reject(tally: FileTally, position: string, reason: string, path?: string): void {
    tally.rejected++;
    this.s.report({ file: tally.file, position, reason, severity: 'rejected', ...(path ? { path } : {}) });
  }
}
