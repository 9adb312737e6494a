// Worker-thread entry: computes statistics releases for verified consortium requests off the
// thread that answers the UI (reading every index admission of a large store takes seconds).
// Ledgers are passed in and the additions passed back; the engine persists them on approval.
import { parentPort, workerData } from 'node:worker_threads';
import { computeStatisticsRelease, StatisticsReleaseRefusedError, type PolicyCheck } from '../federated/statistics-release.ts';
import type { LocalReleasePolicy } from '../federated/statistics-request.ts';
import { PrivacyBudgetLedger, type PrivacyBudgetEntry } from '../federated/privacy-budget-ledger.ts';
import { ReleaseLedger, type ReleaseRecord } from '../federated/release-ledger.ts';
import { DisclosureRefusedError } from '../federated/disclosure-policy.ts';
import { loadIndexAdmissions } from '../scoring/readmission-admissions.ts';
import { openWritable } from '../store/database.ts';
import { GenomicsStore } from '../store/genomics-store.ts';
import { toApiError } from '../util/errors.ts';
import type { ConsortiumRequest } from './consortium-request.ts';

/** What the release worker is asked. */
export interface ReleaseWorkerRequest {
  databaseFile: string;
  institutionId: string;
  policy: LocalReleasePolicy;
  requests: ConsortiumRequest[];
  ledger: ReleaseRecord[];
  budget: PrivacyBudgetEntry[];
}

/** One request's outcome. */
export type ReleaseOutcome =
  | { sequence: number; ok: true; payloadJson: string; checks: PolicyCheck[]; requiresStewardApproval: boolean; ledgerRecord: ReleaseRecord; budgetEntries: PrivacyBudgetEntry[] }
  | { sequence: number; ok: false; refusal: string; code: string; checks: PolicyCheck[] };

export type ReleaseWorkerMessage = { type: 'done'; outcomes: ReleaseOutcome[] } | { type: 'failed'; error: ReturnType<typeof toApiError> };

const port = parentPort;
if (!port) throw new Error('consortium-release-worker must run in a worker thread');

function run(request: ReleaseWorkerRequest): ReleaseOutcome[] {
  const db = openWritable(request.databaseFile);
  let admissions;
  let phenotypes;
  try {
    admissions = loadIndexAdmissions(db);
    phenotypes = new GenomicsStore(db)
      .pgxSummary()
      .genes.flatMap((g) => g.phenotypes.map((p) => ({ gene: g.gene, phenotype: p.phenotype, patients: p.patients })));
  } finally {
    db.close();
  }
  const ledger = new ReleaseLedger(request.ledger, request.policy);
  const budget = new PrivacyBudgetLedger({ totalEpsilon: request.policy.totalEpsilon, entries: request.budget });
  return request.requests.map((consortiumRequest): ReleaseOutcome => {
    const spentBefore = budget.toJSON().entries.length;
    try {
      const release = computeStatisticsRelease({
        request: consortiumRequest,
        admissions,
        phenotypes,
        policy: request.policy,
        budget,
        releaseLedger: ledger,
        institutionId: request.institutionId,
      });
      return {
        sequence: consortiumRequest.sequence,
        ok: true,
        payloadJson: JSON.stringify(release.payload),
        checks: release.checks,
        requiresStewardApproval: release.requiresStewardApproval,
        ledgerRecord: ledger.records.at(-1)!,
        budgetEntries: budget.toJSON().entries.slice(spentBefore),
      };
    } catch (error) {
      if (!(error instanceof DisclosureRefusedError)) throw error;
      return {
        sequence: consortiumRequest.sequence,
        ok: false,
        refusal: error.message,
        code: error.code,
        checks: error instanceof StatisticsReleaseRefusedError ? error.checks : [],
      };
    }
  });
}

try {
  port.postMessage({ type: 'done', outcomes: run(workerData as ReleaseWorkerRequest) } satisfies ReleaseWorkerMessage);
} catch (error) {
  port.postMessage({ type: 'failed', error: toApiError(error) } satisfies ReleaseWorkerMessage);
} finally {
  port.close();
}
