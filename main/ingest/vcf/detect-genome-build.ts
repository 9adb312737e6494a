// Genome build from header evidence: ##contig lengths (strongest: they are the assembly's sequence
// lengths, NCBI GRC assembly reports), contig `assembly=` attributes, then ##reference/##assembly names.
// Evidence strings never quote header values (a ##reference is often a path with a user name in it).
import type { VcfHeader } from './vcf-types.ts';

export type GenomeBuild = 'GRCh38' | 'GRCh37' | 'NCBI36' | 'unknown';

/** The detected build and why; `conflict` when header lines disagree. */
export interface GenomeBuildDetection {
  readonly build: GenomeBuild;
  readonly evidence: string;
  readonly conflict: boolean;
}

// Primary-assembly chromosome lengths (GRC assembly reports GCF_000001405.40 / .25 / .12).
const CONTIG_LENGTHS: Record<string, Partial<Record<Exclude<GenomeBuild, 'unknown'>, number>>> = {
  '1': { GRCh38: 248956422, GRCh37: 249250621, NCBI36: 247249719 },
  '2': { GRCh38: 242193529, GRCh37: 243199373, NCBI36: 242951149 },
  '3': { GRCh38: 198295559, GRCh37: 198022430, NCBI36: 199501827 },
  '10': { GRCh38: 133797422, GRCh37: 135534747, NCBI36: 135374737 },
  '22': { GRCh38: 50818468, GRCh37: 51304566, NCBI36: 49691432 },
  X: { GRCh38: 156040895, GRCh37: 155270560, NCBI36: 154913754 },
};

const NAME_PATTERNS: readonly [Exclude<GenomeBuild, 'unknown'>, RegExp, string][] = [
  [
    'GRCh38',
    /GRCh38|hg38|hs38|\bb38\b|GCA_000001405\.(?:1[5-9]|2\d)|GCF_000001405\.(?:2[6-9]|[34]\d)/i,
    'GRCh38',
  ],
  [
    'GRCh37',
    /GRCh37|hg19|hs37|\bb37\b|human_g1k_v37|GCA_000001405\.(?:[1-9]|1[0-4])\b|GCF_000001405\.(?:1[3-9]|2[0-5])\b/i,
    'GRCh37',
  ],
  ['NCBI36', /NCBI36|hg18|\bb36\b/i, 'NCBI36'],
];

function buildFromName(text: string): Exclude<GenomeBuild, 'unknown'> | null {
  for (const [build, pattern] of NAME_PATTERNS) if (pattern.test(text)) return build;
  return null;
}

function normalizeContig(id: string): string {
  const bare = id.replace(/^chr/i, '');
  return bare.toUpperCase() === 'X' ? 'X' : bare;
}

/** Detects the genome build from a parsed header. */
export function detectGenomeBuild(header: VcfHeader): GenomeBuildDetection {
  const votes: { build: Exclude<GenomeBuild, 'unknown'>; evidence: string; strength: number }[] =
    [];

  for (const contig of header.contigs.values()) {
    const known = CONTIG_LENGTHS[normalizeContig(contig.id)];
    if (known !== undefined && contig.length !== null) {
      for (const [build, length] of Object.entries(known) as [
        Exclude<GenomeBuild, 'unknown'>,
        number,
      ][]) {
        if (length === contig.length) {
          votes.push({
            build,
            evidence: `##contig ${contig.id} length ${length} is ${build}`,
            strength: 3,
          });
        }
      }
    }
    if (contig.assembly !== null) {
      const build = buildFromName(contig.assembly);
      if (build !== null)
        votes.push({ build, evidence: `##contig assembly names ${build}`, strength: 2 });
    }
  }
  for (const meta of header.meta) {
    if (meta.key === 'reference' || meta.key === 'assembly') {
      const build = buildFromName(meta.value);
      if (build !== null)
        votes.push({ build, evidence: `##${meta.key} names ${build}`, strength: 1 });
    }
  }

  if (votes.length === 0) {
    return {
      build: 'unknown',
      evidence: 'no ##contig lengths or reference names identify the build',
      conflict: false,
    };
  }
  const builds = new Set(votes.map((v) => v.build));
  if (builds.size > 1) {
    const summary = [...builds].map((b) => votes.find((v) => v.build === b)!.evidence).join('; ');
    return { build: 'unknown', evidence: `header evidence conflicts: ${summary}`, conflict: true };
  }
  const best = votes.reduce((a, b) => (b.strength > a.strength ? b : a));
  return { build: best.build, evidence: best.evidence, conflict: false };
}
