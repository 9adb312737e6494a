// Per-file tallies of an import and their roll-up into the job state the UI shows.
import type { ImportFileProgress, ImportFileState, ImportIssue, ImportJobState } from '../api/contract.ts';

/** Mutable counters for one input file, updated by the importer as it goes. */
export interface FileTally {
  /** Position in the job's file list; rows written are attributed back by it. */
  index: number;
  file: string;
  kind: ImportFileProgress['kind'];
  state: ImportFileState;
  bytesRead: number;
  bytesTotal: number;
  accepted: number;
  inserted: number;
  unchanged: number;
  rejected: number;
  skipped: number;
  skippedByType: Record<string, number>;
  message?: string;
}

export function newTally(index: number, file: string, bytesTotal: number): FileTally {
  return {
    index,
    file,
    kind: 'unknown',
    state: 'queued',
    bytesRead: 0,
    bytesTotal,
    accepted: 0,
    inserted: 0,
    unchanged: 0,
    rejected: 0,
    skipped: 0,
    skippedByType: {},
  };
}

/** Issues kept for the report; past this only the counts grow. */
export const MAX_REPORTED_ISSUES = 10_000;

export function rollUp(
  base: Pick<ImportJobState, 'jobId' | 'batchId' | 'startedAt' | 'policy'>,
  state: ImportJobState['state'],
  tallies: FileTally[],
  issues: ImportIssue[],
  elapsedMs: number,
  finishedAt: string | null,
): ImportJobState {
  const totals = { accepted: 0, inserted: 0, unchanged: 0, rejected: 0, skipped: 0, bytesRead: 0, bytesTotal: 0, recordsPerSecond: 0 };
  const skippedByType: Record<string, number> = {};
  for (const t of tallies) {
    totals.accepted += t.accepted;
    totals.inserted += t.inserted;
    totals.unchanged += t.unchanged;
    totals.rejected += t.rejected;
    totals.skipped += t.skipped;
    totals.bytesRead += t.bytesRead;
    totals.bytesTotal += t.bytesTotal;
    for (const [type, n] of Object.entries(t.skippedByType)) skippedByType[type] = (skippedByType[type] ?? 0) + n;
  }
  const records = totals.accepted + totals.rejected + totals.skipped;
  totals.recordsPerSecond = elapsedMs > 0 ? Math.round((records * 1000) / elapsedMs) : 0;
  return {
    ...base,
    state,
    finishedAt,
    files: tallies.map((t) => ({
      file: t.file,
      kind: t.kind,
      state: t.state,
      bytesRead: t.bytesRead,
      bytesTotal: t.bytesTotal,
      accepted: t.accepted,
      rejected: t.rejected,
      skipped: t.skipped,
      ...(t.message ? { message: t.message } : {}),
    })),
    totals,
    skippedByType,
    issues,
  };
}
