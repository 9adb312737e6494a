// The contract's method names as a plain list, for the preload. `apiMethods` in the contract is
// computed from the zod schemas, and importing it would bundle zod into the sandboxed preload;
// the compile-time check below and tests/unit/electron-preload.test.ts keep the two lists equal.
import type { ApiMethod } from '../main/api/contract.ts';

export const API_METHOD_NAMES = [
  'getStatus',
  'startImport',
  'cancelImport',
  'getImport',
  'listImportBatches',
  'listPatients',
  'getPatient',
  'listAudit',
  'verifyAudit',
  'listGenomicSamples',
  'getPgxSummary',
  'listPgxPatients',
  'listImagingStudies',
  'listQuarantine',
  'discardQuarantined',
  'loadSampleData',
  'listModels',
  'activateModel',
  'rollbackModel',
  'startTraining',
  'startScoring',
  'getTask',
  'cancelTask',
  'listRiskScores',
  'getRiskSummary',
  'setRiskThresholds',
  'getConsortiumStatus',
  'createEnrolmentRequest',
  'importEnrolment',
  'setConsortiumEndpoint',
  'startSync',
  'listConsortiumRequests',
  'decideRelease',
  'listSyncRuns',
  'evaluateModel',
] as const satisfies readonly ApiMethod[];

type MissingMethod = Exclude<ApiMethod, (typeof API_METHOD_NAMES)[number]>;
// Fails to compile, naming the method, when the contract gains a method this list lacks.
const _everyMethodListed: [MissingMethod] extends [never] ? true : MissingMethod = true;
