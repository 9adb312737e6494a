// The pharmacogenes this engine calls from VCF, and those it reports as not callable.

/** Genes called from VCF with PharmCAT's named-allele matching (CPIC allele definitions). */
export const CALLED_GENES = [
  'CYP2C19',
  'CYP2C9',
  'CYP3A5',
  'DPYD',
  'NUDT15',
  'SLCO1B1',
  'TPMT',
  'UGT1A1',
  'VKORC1',
] as const;

export type CalledGene = (typeof CALLED_GENES)[number];

/**
 * Genes reported as not callable from VCF. CYP2D6 star alleles include gene deletions, duplications and
 * CYP2D7 hybrids that short-read small-variant VCFs do not represent; PharmCAT likewise does not call it
 * from VCF by default and asks for an outside call (e.g. from a dedicated caller such as Cyrius or StellarPGx).
 */
export const NOT_CALLABLE_GENES: Readonly<Record<string, string>> = {
  CYP2D6:
    'CYP2D6 is not callable from VCF: its alleles include copy-number changes and CYP2D7 hybrids that a ' +
    'small-variant VCF does not represent. Use a dedicated CYP2D6 caller.',
};
