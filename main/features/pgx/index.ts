// Pharmacogenomics from VCF: star-allele diplotypes called as PharmCAT's NamedAlleleMatcher does (CPIC
// allele definitions; missing positions are missing, never reference), CPIC phenotypes, drug-gene alerts,
// and the VCF import core that streams a file once for summaries, PGx calls and the de-identified copy.
// Tables live in resources/pgx/ (see SOURCE.md there).
export { createPgxCaller } from './pgx-caller.ts';
export type { PgxCaller, PgxCallerOptions, PgxSampleResult } from './pgx-caller.ts';
export type { GeneCall, GeneCallStatus, PositionGenotype } from './call-gene.ts';
export { pgxAlertsFor } from './pgx-alerts.ts';
export type { GenePhenotype, MedicationCoding, PgxAlert } from './pgx-alerts.ts';
export { importVcfCore } from './import-vcf-core.ts';
export type { ImportVcfOptions, ImportVcfResult, SampleResult } from './import-vcf-core.ts';
export { CALLED_GENES, NOT_CALLABLE_GENES } from './pgx-genes.ts';
