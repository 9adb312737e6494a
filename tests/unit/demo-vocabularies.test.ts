// The code tables: Charlson categories (Quan 2005) in both code systems, admission reasons,
// and the PGx positions against the PharmCAT definitions they were derived from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHARLSON_CATEGORIES, CHARLSON_DEFINITIONS, charlsonCategoryOfIcd10, charlsonCategoryOfSnomed, charlsonIndex,
} from '../../main/demo/charlson-vocabulary.ts';
import { ADMISSION_REASONS, EMERGENCY_REASONS, OTHER_CHRONIC_CONDITIONS, SECONDARY_DIAGNOSES } from '../../main/demo/clinical-vocabulary.ts';
import { PGX_GENES, PGX_SITES } from '../../main/demo/pgx-defining-positions.ts';

test('covers every Charlson category with ICD-10-CM and SNOMED CT codes that map back to it', () => {
  assert.deepEqual(CHARLSON_DEFINITIONS.map((d) => d.category), [...CHARLSON_CATEGORIES]);
  for (const d of CHARLSON_DEFINITIONS) {
    assert.ok(d.codes.length > 0, d.category);
    for (const code of d.codes) {
      assert.equal(charlsonCategoryOfIcd10(code.icd10.code), d.category, code.icd10.code);
      assert.equal(charlsonCategoryOfSnomed(code.snomed.code), d.category, code.snomed.code);
    }
  }
});

test('keeps non-Charlson diagnoses out of the index and admission reasons consistent with it', () => {
  const others = [...Object.values(OTHER_CHRONIC_CONDITIONS), ...Object.values(SECONDARY_DIAGNOSES), ...EMERGENCY_REASONS];
  for (const code of others) assert.equal(charlsonCategoryOfIcd10(code.icd10.code), null, code.icd10.code);
  for (const reason of ADMISSION_REASONS) {
    if (reason.key === 'cancer-treatment') continue; // coded with the patient's own malignancy
    assert.equal(charlsonCategoryOfIcd10(reason.code.icd10.code), reason.charlson ?? null, reason.key);
  }
});

test('scores the Charlson index with the 1987 weights and the Quan hierarchy', () => {
  assert.equal(charlsonIndex([]), 0);
  assert.equal(charlsonIndex(['congestiveHeartFailure', 'renalDisease']), 3);
  assert.equal(charlsonIndex(['diabetesWithoutComplications', 'diabetesWithComplications']), 2);
  assert.equal(charlsonIndex(['malignancy', 'metastaticSolidTumor', 'mildLiverDisease', 'moderateOrSevereLiverDisease']), 9);
  assert.equal(charlsonIndex(CHARLSON_CATEGORIES), 29);
});

test('has haplotype frequencies summing to one and alleles that exist at the listed sites', () => {
  for (const gene of PGX_GENES) {
    const total = gene.haplotypes.reduce((s, h) => s + h.frequency, 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `${gene.gene} frequencies sum to ${total}`);
    for (const h of gene.haplotypes) {
      for (const [rsid, allele] of Object.entries(h.alleles)) {
        const site = PGX_SITES.find((s) => s.rsid === rsid);
        assert.ok(site && site.gene === gene.gene && site.alts.includes(allele), `${gene.gene} ${h.name} ${rsid}`);
      }
    }
  }
});

const PHARMCAT = join(import.meta.dirname, '../../../shared/data/vcf/pharmcat/src/main/resources/org/pharmgkb/pharmcat/definition/alleles');

test('matches the PharmCAT allele definitions it was derived from', { skip: !existsSync(PHARMCAT) && 'PharmCAT definitions not present' }, () => {
  for (const gene of PGX_GENES) {
    const definition = JSON.parse(readFileSync(join(PHARMCAT, `${gene.gene}_translation.json`), 'utf8'));
    const variants = definition.variants as { position: number; rsid: string; ref: string; alts: string[]; chromosome: string }[];
    for (const site of PGX_SITES.filter((s) => s.gene === gene.gene)) {
      const v = variants.find((x) => x.rsid === site.rsid)!;
      assert.deepEqual([v.chromosome, v.position, v.ref, v.alts], [site.chrom, site.pos, site.ref, [...site.alts]], site.rsid);
    }
    for (const h of gene.haplotypes) {
      const named = (definition.namedAlleles as { name: string; alleles: (string | null)[] }[]).find((a) => a.name === h.name);
      assert.ok(named, `${gene.gene} ${h.name} is a PharmCAT named allele`);
      // Every position where the PharmCAT allele differs from the reference is modelled ("R" = either).
      named.alleles.forEach((allele, i) => {
        const v = variants[i]!;
        if (allele === null || allele === v.ref || allele === 'R') return;
        assert.equal(h.alleles[v.rsid], allele, `${gene.gene} ${h.name} at ${v.rsid}`);
      });
    }
  }
});
