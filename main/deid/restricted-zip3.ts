// The Safe Harbor ZIP rule, 45 CFR 164.514(b)(2)(i)(B): the first three digits of a US ZIP code may
// be kept only if, per current Census data, all ZIP codes sharing them hold more than 20,000
// people; otherwise they become "000". The table (resources/deid/safe-harbor-zip3-census2010.json)
// records its source and derivation: 2010 Census ZCTA populations summed by prefix.
import table from '../../resources/deid/safe-harbor-zip3-census2010.json' with { type: 'json' };

/** The 18 prefixes with 20,000 or fewer residents in the 2010 Census, zero-population prefixes included. */
export const RESTRICTED_ZIP3: ReadonlySet<string> = new Set(table.restricted);

/** Every prefix the 2010 Census tabulates (50 states and DC). */
export const CENSUS_TABULATED_ZIP3: ReadonlySet<string> = new Set(table.tabulated);

/** The Census vintage of the table, for the policy record. */
export const ZIP3_CENSUS_YEAR = table.census;

const US_ZIP = /^(\d{3})\d{2}(?:[-\s]?\d{4})?$/;

/**
 * The ZIP3 a de-identified US address may keep: the first three digits, or "000" when the prefix
 * is restricted or absent from the Census tabulation (military APO/FPO, territories, unassigned):
 * the rule lets a prefix through only when the Census shows it holds more than 20,000 people.
 * Null when the value is not a US ZIP code.
 */
export function safeHarborZip3(postalCode: unknown): string | null {
  if (typeof postalCode !== 'string') return null;
  const prefix = US_ZIP.exec(postalCode.trim())?.[1];
  if (prefix === undefined) return null;
  return RESTRICTED_ZIP3.has(prefix) || !CENSUS_TABULATED_ZIP3.has(prefix) ? '000' : prefix;
}
