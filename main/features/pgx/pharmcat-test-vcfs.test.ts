// PharmCAT's own test VCFs (../shared/data/vcf/pharmcat, PharmCAT v3.1.1-2-g5431bf11) whose file names state
// the expected diplotype. Every such file of a supported gene must match, or be listed below with the reason
// it differs; a listed file that starts matching (or changes) fails the test so the list stays reviewed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readVcf } from '../../ingest/vcf/read-vcf.ts';
import { createPseudonymKey } from '../../deid/pseudonym-key.ts';
import { createPgxCaller } from './pgx-caller.ts';
import { importVcfCore } from './import-vcf-core.ts';
import { compareHaplotypeNames } from './named-allele-matcher.ts';
import type { GeneCall } from './call-gene.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const HAPLOTYPE_DIR = join(
  REPO,
  '../shared/data/vcf/pharmcat/src/test/resources/org/pharmgkb/pharmcat/haplotype',
);

const GENE_FOLDERS: Readonly<Record<string, string>> = {
  cyp2c19: 'CYP2C19',
  cyp2c9: 'CYP2C9',
  cyp3a5: 'CYP3A5',
  DPYD: 'DPYD',
  NUDT15: 'NUDT15',
  SLCO1B1: 'SLCO1B1',
  TPMT: 'TPMT',
  UGT1A1: 'UGT1A1',
  VKORC1: 'VKORC1',
};

type Expected = { readonly diplotype: readonly string[] } | { readonly noCall: true };

/** Names that are not star-allele pairs: the diplotype each states, in CPIC/PharmCAT allele names. */
const SPECIAL_NAMES: Readonly<Record<string, Expected>> = {
  'cyp2c19/noCall.vcf': { noCall: true },
  'cyp2c19/sUnks17.vcf': { noCall: true },
  'DPYD/novariant.vcf': { diplotype: ['Reference', 'Reference'] },
  'DPYD/c1156het.vcf': { diplotype: ['Reference', 'c.1156G>T (*12)'] },
  'DPYD/c2846het.vcf': { diplotype: ['Reference', 'c.2846A>T'] },
  'DPYD/c1679c1156.vcf': { diplotype: ['c.1156G>T (*12)', 'c.1679T>G (*13)'] },
  'DPYD/c557c703.vcf': { diplotype: ['c.557A>G', 'c.703C>T (*8)'] },
  'DPYD/c1129-5923c2846.vcf': { diplotype: ['c.1129-5923C>G', 'c.2846A>T'] },
  'NUDT15/refref.vcf': { diplotype: ['*1', '*1'] },
  'NUDT15/s2ref.vcf': { diplotype: ['*1', '*2'] },
  'NUDT15/s3ref.vcf': { diplotype: ['*1', '*3'] },
  'TPMT/het3a.vcf': { diplotype: ['*1', '*3A'] },
  'UGT1A1/s28het.vcf': { diplotype: ['*1', '*28'] },
  // VKORC1 -1639G>A is rs9923231 C>T on the forward strand.
  'VKORC1/-1639G-1639G.vcf': { diplotype: ['rs9923231 reference (C)', 'rs9923231 reference (C)'] },
  'VKORC1/-1639G-1639A.vcf': { diplotype: ['rs9923231 reference (C)', 'rs9923231 variant (T)'] },
  'VKORC1/-1639A-1639A.vcf': { diplotype: ['rs9923231 variant (T)', 'rs9923231 variant (T)'] },
};

const LISTS_ALLELES = 'lists more alleles than a diplotype has';
const SAMPLE_NAME = 'named after the 1000 Genomes sample, not a diplotype';
const POSITION_NAME = 'named after a position (rs12769205), not a diplotype';

/**
 * Files whose names do not state one diplotype, and why (reviewed; a new file must be classified). Where
 * PharmCAT's own unit tests (src/test/java/.../haplotype/NamedAlleleMatcher*Test.java) state the result
 * in its default top-candidate mode, `pharmcat` holds it and our output must equal it.
 */
const NOT_A_DIPLOTYPE: Readonly<
  Record<string, { readonly reason: string; readonly pharmcat?: string }>
> = {
  'cyp2c19/rs12769205call.vcf': { reason: POSITION_NAME },
  'cyp2c19/rs12769205missingrs4244285het.vcf': { reason: POSITION_NAME, pharmcat: '*1/*2' },
  'cyp2c19/rs12769205only.vcf': { reason: POSITION_NAME },
  'cyp2c19/rs12769205ref.vcf': { reason: POSITION_NAME },
  'cyp2c19/s1s17s1s4bmissing.vcf': {
    reason: 'names two alternatives (*1/*17 or *1/*4B; *4B is now *4)',
    pharmcat: 'ambiguous: *1/*17 | *1/*4',
  },
  'cyp2c19/s1s17s1s4bmissingmore.vcf': {
    reason: 'names two alternatives (*1/*17 or *1/*4B; *4B is now *4)',
    pharmcat: 'ambiguous: *1/*17 | *1/*4',
  },
  'cyp2c19/s1s4s17.vcf': { reason: LISTS_ALLELES },
  'SLCO1B1/multi.vcf': { reason: 'a multi-sample file without a diplotype in its name' },
  'SLCO1B1/s1as15s1bs5missing.vcf': {
    reason: 'names two alternatives with retired sub-alleles (*1A/*15 or *1B/*5)',
  },
  'SLCO1B1/s1as15s1bs5twomissing.vcf': {
    reason: 'names two alternatives with retired sub-alleles (*1A/*15 or *1B/*5)',
  },
  'TPMT/hom1s_het3a.vcf': {
    reason: 'describes zygosity (*1S homozygous, *3A heterozygous); *1S is no longer defined',
  },
  'TPMT/s1ss1ss3.vcf': { reason: LISTS_ALLELES, pharmcat: '*1/*3A' },
  'TPMT/s15offdata.vcf': { reason: 'names one allele (*15, whose position is off the data)' },
  'TPMT/unexpected.allele.vcf': {
    reason: 'named after an undocumented allele (TPMT reads it as reference, as PharmCAT does)',
  },
  'TPMT/unexpected.allele.with.s9.vcf': { reason: 'named after an undocumented allele and *9' },
  'UGT1A1/HG00436.vcf': { reason: SAMPLE_NAME, pharmcat: 'indeterminate' },
  'UGT1A1/NA12717_UGT1A1.vcf': { reason: SAMPLE_NAME },
  'UGT1A1/NA18868_UGT1A1.vcf': { reason: SAMPLE_NAME },
  'UGT1A1/NA19785_UGT1A1.vcf': { reason: SAMPLE_NAME },
  'UGT1A1/s1s28s60s80unphased.vcf': { reason: LISTS_ALLELES, pharmcat: '*1/*80+*28' },
  'UGT1A1/s1s37s80s60phased.vcf': { reason: LISTS_ALLELES, pharmcat: '*1/*80+*37' },
  'UGT1A1/s1s60s80phased.vcf': { reason: LISTS_ALLELES, pharmcat: '*1/*80' },
  'UGT1A1/s1s60s80unphased.vcf': { reason: LISTS_ALLELES, pharmcat: '*1/*80' },
  'UGT1A1/s1s60s80s28s6phased.vcf': { reason: LISTS_ALLELES },
  'UGT1A1/s1s60s80s6phased.vcf': { reason: LISTS_ALLELES },
  'UGT1A1/s1s80s27s60s28missingphased.vcf': { reason: LISTS_ALLELES },
  'UGT1A1/s28hets60homounphaseds80missing.vcf': { reason: LISTS_ALLELES },
  'UGT1A1/s28s80s6s60phased.vcf': { reason: LISTS_ALLELES, pharmcat: '*6/*80+*28' },
  'UGT1A1/s28s80s6s60unphased.vcf': { reason: LISTS_ALLELES, pharmcat: '*6/*80+*28' },
  'UGT1A1/s6s60s80s28missingphased.vcf': { reason: LISTS_ALLELES },
  'UGT1A1/s6s60s80s28missingunphased.vcf': {
    reason: LISTS_ALLELES,
    pharmcat: 'ambiguous: *6/*80 | *6/*80+*28 | *6/*80+*37',
  },
};

const RS3758581_ABSENT =
  'rs3758581 (chr10:94842866) is absent and *1 differs from the reference allele *38 only there, so both fit; ' +
  "PharmCAT returns both too (its PharmCATTest expects '*1/*4' and '*4/*38' in this situation)";
const CYP2C19_4 = 'CPIC merged *4A/*4B into *4 (the current definitions have only *4)';
const UGT1A1_80_ABSENT =
  'rs887829 (*80) is absent, so *28 and *80+*28 cannot be told apart (as in PharmCAT)';
const SLCO1B1_SCORE =
  'unphased: PharmCAT scores a pair by the number of defined positions, so the longer definitions win or tie';

/** Reviewed differences between the name and our call: our output (exactly) and the reason. */
const KNOWN_MISMATCHES: Readonly<
  Record<string, { readonly ours: string; readonly reason: string }>
> = {
  'cyp2c19/s1s17.vcf': { ours: 'ambiguous: *1/*17 | *17/*38', reason: RS3758581_ABSENT },
  'cyp2c19/s1s35.vcf': { ours: 'ambiguous: *1/*35 | *35/*38', reason: RS3758581_ABSENT },
  'cyp2c19/s1s2rs3758581missing.vcf': {
    ours: 'ambiguous: *1/*2 | *2/*38',
    reason: RS3758581_ABSENT,
  },
  'cyp2c19/s15s28.vcf': {
    ours: 'ambiguous: *15/*28 | *28/*39',
    reason:
      "94775423 is absent and *39 differs from *15 only there; PharmCAT's older test predates *39",
  },
  'cyp2c19/s1s4b.vcf': { ours: '*1/*4', reason: CYP2C19_4 },
  'cyp2c19/s4as4b.vcf': { ours: '*4/*4', reason: CYP2C19_4 },
  'cyp2c19/s4bs17.vcf': { ours: '*4/*17', reason: CYP2C19_4 },
  'cyp2c19/s4bs17rs28399504missing.vcf': {
    ours: 'ambiguous: *17/*17 | *4/*17 | *4/*4',
    reason: "rs28399504 is absent; PharmCAT's test expects exactly these three (*4B is now *4)",
  },
  'cyp2c19/s4s17missingS1.vcf': {
    ours: 'ambiguous: *1/*4 | *4/*38',
    reason: `*4 has a C/T wobble at rs12248560, so *1/*4 outscores *4/*17 (PharmCAT scoring); ${RS3758581_ABSENT}`,
  },
  'cyp2c9/s2s24only.vcf': {
    ours: 'indeterminate',
    reason: 'PharmCAT expects no call for this genotype (NamedAlleleMatcherCyp2c9Test.s2_s24Only)',
  },
  'cyp2c9/s24s2pluss24.vcf': {
    ours: 'indeterminate',
    reason:
      'the name means *24/*2+*24; PharmCAT expects no call (NamedAlleleMatcherCyp2c9Test.s24_s2s24)',
  },
  'cyp2c9/s3s18m94981296.vcf': {
    ours: '*1/*18',
    reason:
      "*3's only position 94981296 is absent ('m94981296'), so *3 cannot be seen and *18 is matched on its other position",
  },
  'cyp3a5/s1s3rs776746rs28383479het.vcf': {
    ours: '*3/*9',
    reason: 'current CPIC definitions define *9 by rs28383479 alone; the name predates them',
  },
  'cyp3a5/s1s3rs776746rs55965422rs28383479het.vcf': {
    ours: '*3/*9',
    reason: 'current CPIC definitions define *9 by rs28383479 alone; the name predates them',
  },
  'cyp3a5/s1s7missing.vcf': {
    ours: '*1/*1',
    reason:
      "*7's only position (rs41303343) is absent, so *7 cannot be tested (reported as untestable)",
  },
  'cyp3a5/s3s5-homozygous.vcf': {
    ours: '*1/*3',
    reason: '*5 is not in the current CPIC CYP3A5 definitions',
  },
  'DPYD/c1129-5923c2846.vcf': {
    ours: 'c.1129-5923C>G, c.1236G>A (HapB3)/c.2846A>T',
    reason:
      'PharmCAT calls HapB3 from its intronic variant c.1129-5923C>G alone and reports it as HapB3 (DpydHapB3Matcher)',
  },
  'DPYD/s1s2b.vcf': {
    ours: 'c.1627A>G (*5)/c.1905+1G>A (*2A)',
    reason:
      'CPIC retired DPYD *2B (= *2A + *5 variants); unphased, the two variants are reported (CPIC lowest-function rule)',
  },
  'SLCO1B1/SLCO1B1_s14_s19_t1.vcf': { ours: 'ambiguous: *14/*19 | *4/*20', reason: SLCO1B1_SCORE },
  'SLCO1B1/SLCO1B1_s15_s45_t1.vcf': {
    ours: '*1/*45.002',
    reason: `${SLCO1B1_SCORE}; *45 is split into sub-alleles *45.001/*45.002`,
  },
  'SLCO1B1/SLCO1B1_s19_s37_t1.vcf': { ours: '*1/*20', reason: SLCO1B1_SCORE },
  'SLCO1B1/SLCO1B1_s37_s40_t1.vcf': {
    ours: 'ambiguous: *15/*19 | *37/*40 | *40/*52 | *40/*56 | *40/*57 | *5/*20',
    reason: SLCO1B1_SCORE,
  },
  'SLCO1B1/SLCO1B1_s5_s14_t1.vcf': { ours: 'ambiguous: *4/*15 | *5/*14', reason: SLCO1B1_SCORE },
  'SLCO1B1/s5s45.vcf': {
    ours: '*5/*45.001',
    reason: 'the current definitions split *45 into sub-alleles *45.001/*45.002',
  },
  'TPMT/s1s1s.vcf': { ours: '*1/*1', reason: '*1S is not in the current CPIC TPMT definitions' },
  'TPMT/s3bs3c.vcf': {
    ours: '*1/*3A',
    reason:
      'unphased: *1/*3A scores higher; PharmCAT expects *1/*3A (NamedAlleleMatcherTpmtTest.tpmts3bs3c)',
  },
  'UGT1A1/s27s28unphaseds80s60missing.vcf': {
    ours: 'ambiguous: *27/*28 | *27/*80+*28',
    reason: UGT1A1_80_ABSENT,
  },
  'UGT1A1/s28s28unphaseds60s80miss.vcf': {
    ours: 'ambiguous: *28/*28 | *28/*80+*28 | *80+*28/*80+*28',
    reason: UGT1A1_80_ABSENT,
  },
  'UGT1A1/s28s37unphaseds80s60missing.vcf': {
    ours: 'ambiguous: *28/*37 | *28/*80+*37 | *37/*80+*28 | *80+*28/*80+*37',
    reason: UGT1A1_80_ABSENT,
  },
  'UGT1A1/s28s60hom.vcf': {
    ours: '*1/*28',
    reason: '*60 is not in the current CPIC UGT1A1 definitions',
  },
  'UGT1A1/s28s80phased.vcf': {
    ours: '*1/*80+*28',
    reason:
      '*80+*28 is a CPIC allele; PharmCAT expects *1/*80+*28 (NamedAlleleMatcherUgt1a1Test.ugt1a1s28s80phased)',
  },
  'UGT1A1/s28s80unphased.vcf': {
    ours: '*1/*80+*28',
    reason:
      "PharmCAT's top candidate is *1/*80+*28 (NamedAlleleMatcherUgt1a1Test.ugt1a1s28s80unphasedTopCandidateOnly)",
  },
  'UGT1A1/s80s28missing.vcf': {
    ours: 'ambiguous: *1/*80 | *1/*80+*28 | *1/*80+*37',
    reason: 'the *28 repeat position (rs3064744) is absent, so *80, *80+*28 and *80+*37 tie',
  },
};

/** Star-allele tokens at the start of a name: s1s17 → [*1, *17]; s4bs17 → [*4B, *17]; s1s1s → [*1, *1S]. */
function starTokens(name: string): { tokens: string[]; rest: string } {
  const tokens: string[] = [];
  let i = 0;
  for (;;) {
    if (name[i] !== 's') break;
    const unk = /^unk/i.exec(name.slice(i + 1));
    if (unk) {
      tokens.push('*Unk');
      i += 4;
      continue;
    }
    const digits = /^\d+/.exec(name.slice(i + 1));
    if (!digits) break;
    let token = digits[0];
    let j = i + 1 + token.length;
    const letter = name[j];
    const after = name.slice(j + 1);
    // A trailing a/b/c/s is a sub-allele letter (*4B, *1S) unless it starts the next token (s1s17).
    const endsToken = after === '' || /^s(\d|unk)/i.test(after) || /^[^a-z0-9]/i.test(after);
    if (letter !== undefined && 'abcs'.includes(letter) && endsToken) {
      token += letter.toUpperCase();
      j += 1;
    }
    tokens.push(`*${token}`);
    i = j;
  }
  return { tokens, rest: name.slice(i) };
}

function expectedFor(relative: string): Expected | null {
  const special = SPECIAL_NAMES[relative];
  if (special) return special;
  const base = relative
    .split('/')[1]!
    .replace(/\.vcf$/, '')
    .replace(/^SLCO1B1_/, '')
    .replace(/_t1$/, '')
    .replace(/_/g, '');
  const { tokens } = starTokens(base);
  if (tokens.length !== 2) return null;
  if (tokens.includes('*Unk')) return { noCall: true };
  return { diplotype: tokens };
}

function summarize(call: GeneCall): string {
  if (call.status === 'called') return call.diplotype!;
  if (call.status === 'ambiguous') return `ambiguous: ${call.candidates.join(' | ')}`;
  return call.status;
}

const KEY = createPseudonymKey(Buffer.alloc(32, 5));

/**
 * The gene's call with every record fed to the caller, checked against the import core, which feeds
 * only the lines the caller says it needs and reads the rest with the byte scanner.
 */
async function callFile(path: string, gene: string): Promise<GeneCall> {
  const caller = createPgxCaller();
  for await (const batch of readVcf(path)) {
    for (const event of batch) if (event.kind === 'record') caller.feed(event);
  }
  const call = caller.results()[0]!.genes.find((g) => g.gene === gene)!;
  const imported = await importVcfCore(path, { key: KEY, defaultMrnSystem: 'urn:test:mrn' });
  assert.equal(imported.samples.length, 1, path);
  assert.deepEqual(imported.samples.at(0).pgx.find((g) => g.gene === gene), call, `${path}: the import core calls it the same way`);
  return call;
}

test('PharmCAT test VCFs: calls match the diplotype stated by the file name, or a reviewed reason says why not', async (t) => {
  if (!existsSync(HAPLOTYPE_DIR)) {
    t.skip('PharmCAT test VCFs not present at ../shared/data/vcf/pharmcat');
    return;
  }
  const table: { file: string; expected: string; ours: string; result: string }[] = [];
  const problems: string[] = [];
  for (const [folder, gene] of Object.entries(GENE_FOLDERS)) {
    for (const name of readdirSync(join(HAPLOTYPE_DIR, folder))
      .filter((f) => f.endsWith('.vcf'))
      .sort()) {
      const relative = `${folder}/${name}`;
      const expected = expectedFor(relative);
      const call = await callFile(join(HAPLOTYPE_DIR, folder, name), gene);
      const ours = summarize(call);
      if (expected === null) {
        const listed = NOT_A_DIPLOTYPE[relative];
        if (listed === undefined) problems.push(`${relative}: name not classified (ours: ${ours})`);
        else if (listed.pharmcat !== undefined && listed.pharmcat !== ours) {
          problems.push(`${relative}: PharmCAT's test expects ${listed.pharmcat}, ours ${ours}`);
        }
        continue;
      }
      const expectedText =
        'noCall' in expected
          ? 'no call'
          : [...expected.diplotype].sort(compareHaplotypeNames).join('/');
      const matches =
        'noCall' in expected ? call.status === 'indeterminate' : ours === expectedText;
      const known = KNOWN_MISMATCHES[relative];
      table.push({
        file: relative,
        expected: expectedText,
        ours,
        result: matches ? 'match' : known ? 'known mismatch' : 'MISMATCH',
      });
      if (matches && known)
        problems.push(
          `${relative}: listed as a mismatch but now matches (${ours}); remove it from the list`,
        );
      if (!matches && !known)
        problems.push(`${relative}: expected ${expectedText}, ours ${ours} (unlisted mismatch)`);
      if (!matches && known && known.ours !== ours)
        problems.push(`${relative}: listed mismatch changed: was ${known.ours}, now ${ours}`);
    }
  }
  for (const listed of [...Object.keys(KNOWN_MISMATCHES), ...Object.keys(NOT_A_DIPLOTYPE)]) {
    if (!existsSync(join(HAPLOTYPE_DIR, listed)))
      problems.push(`${listed}: listed but the file is gone`);
  }
  for (const r of table)
    t.diagnostic(
      `${r.result.padEnd(15)} ${r.file.padEnd(48)} name ${r.expected.padEnd(30)} ours ${r.ours}`,
    );
  for (const folder of Object.keys(GENE_FOLDERS)) {
    const rows = table.filter((r) => r.file.startsWith(`${folder}/`));
    const matched = rows.filter((r) => r.result === 'match').length;
    t.diagnostic(
      `${GENE_FOLDERS[folder]}: ${rows.length} files state a diplotype, ${matched} match, ${rows.length - matched} listed mismatches`,
    );
  }
  assert.deepEqual(problems, []);
});
