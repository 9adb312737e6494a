// Addresses under 45 CFR 164.514(b)(2)(i)(B): every geographic subdivision smaller than a State is
// removed. A US address keeps its State (as a USPS code) and its ZIP3 (restricted-zip3.ts); any
// other address keeps only its country, since a foreign region or postcode has no Census test that
// would allow it. Street lines, city, district, text, period and the geolocation extension are
// never read. Values that are not a recognisable state or country are dropped, not copied.
import { isObject } from './element-allowlist.ts';
import { safeHarborZip3 } from './restricted-zip3.ts';

/** What Safe Harbor lets an address keep. */
export interface SafeHarborAddress {
  /** USPS state code, US addresses only. */
  state: string | null;
  /** First three ZIP digits or "000", US addresses only. */
  zip3: string | null;
  /** ISO 3166 alpha-2 (or alpha-3 as written) country code. */
  country: string | null;
}

const US_STATES: ReadonlyMap<string, string> = new Map([
  ['alabama', 'AL'],
  ['alaska', 'AK'],
  ['arizona', 'AZ'],
  ['arkansas', 'AR'],
  ['california', 'CA'],
  ['colorado', 'CO'],
  ['connecticut', 'CT'],
  ['delaware', 'DE'],
  ['district of columbia', 'DC'],
  ['florida', 'FL'],
  ['georgia', 'GA'],
  ['hawaii', 'HI'],
  ['idaho', 'ID'],
  ['illinois', 'IL'],
  ['indiana', 'IN'],
  ['iowa', 'IA'],
  ['kansas', 'KS'],
  ['kentucky', 'KY'],
  ['louisiana', 'LA'],
  ['maine', 'ME'],
  ['maryland', 'MD'],
  ['massachusetts', 'MA'],
  ['michigan', 'MI'],
  ['minnesota', 'MN'],
  ['mississippi', 'MS'],
  ['missouri', 'MO'],
  ['montana', 'MT'],
  ['nebraska', 'NE'],
  ['nevada', 'NV'],
  ['new hampshire', 'NH'],
  ['new jersey', 'NJ'],
  ['new mexico', 'NM'],
  ['new york', 'NY'],
  ['north carolina', 'NC'],
  ['north dakota', 'ND'],
  ['ohio', 'OH'],
  ['oklahoma', 'OK'],
  ['oregon', 'OR'],
  ['pennsylvania', 'PA'],
  ['rhode island', 'RI'],
  ['south carolina', 'SC'],
  ['south dakota', 'SD'],
  ['tennessee', 'TN'],
  ['texas', 'TX'],
  ['utah', 'UT'],
  ['vermont', 'VT'],
  ['virginia', 'VA'],
  ['washington', 'WA'],
  ['west virginia', 'WV'],
  ['wisconsin', 'WI'],
  ['wyoming', 'WY'],
  ['puerto rico', 'PR'],
  ['guam', 'GU'],
  ['us virgin islands', 'VI'],
  ['virgin islands', 'VI'],
  ['american samoa', 'AS'],
  ['northern mariana islands', 'MP'],
  ['armed forces americas', 'AA'],
  ['armed forces europe', 'AE'],
  ['armed forces pacific', 'AP'],
]);
const US_STATE_CODES: ReadonlySet<string> = new Set(US_STATES.values());

// Countries whose addresses use US ZIP codes and States (USPS), as alpha-2 and alpha-3.
const US_POSTAL_COUNTRIES: ReadonlyMap<string, string> = new Map([
  ['US', 'US'],
  ['USA', 'US'],
  ['PR', 'PR'],
  ['PRI', 'PR'],
  ['GU', 'GU'],
  ['GUM', 'GU'],
  ['VI', 'VI'],
  ['VIR', 'VI'],
  ['AS', 'AS'],
  ['ASM', 'AS'],
  ['MP', 'MP'],
  ['MNP', 'MP'],
  ['UM', 'UM'],
  ['UMI', 'UM'],
]);
const US_NAMES = ['united states', 'united states of america', 'u.s.', 'u.s.a.'];

/** The Safe Harbor remainder of a FHIR Address. */
export function generaliseAddress(address: unknown): SafeHarborAddress {
  if (!isObject(address)) return { state: null, zip3: null, country: null };
  const country = countryCode(address.country);
  const state = usStateCode(address.state);
  const zip3 = safeHarborZip3(address.postalCode);
  const us =
    country === null
      ? typeof address.country !== 'string' && (state !== null || zip3 !== null)
      : US_POSTAL_COUNTRIES.has(country);
  return us ? { state, zip3, country } : { state: null, zip3: null, country };
}

function usStateCode(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (US_STATE_CODES.has(text.toUpperCase()) && text.length === 2) return text.toUpperCase();
  return US_STATES.get(text.toLowerCase()) ?? null;
}

/** ISO 3166 code for a country as FHIR allows it (alpha-2, alpha-3 or name); null if unrecognised. */
export function countryCode(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const upper = text.toUpperCase();
  const us = US_POSTAL_COUNTRIES.get(upper);
  if (us !== undefined) return upper.length === 3 ? us : upper;
  if (/^[A-Z]{2}$/.test(upper)) return regionNames().codes.has(upper) ? upper : null;
  // Alpha-3 codes have no built-in table; three letters cannot carry an identifier, so keep them.
  if (/^[A-Z]{3}$/.test(upper)) return upper;
  const name = text.toLowerCase();
  if (US_NAMES.includes(name)) return 'US';
  return regionNames().byName.get(name) ?? null;
}

let regions: { codes: Set<string>; byName: Map<string, string> } | undefined;

/** ISO 3166 alpha-2 regions and their English names, from the ICU data Node ships (Intl.DisplayNames). */
function regionNames(): { codes: Set<string>; byName: Map<string, string> } {
  if (regions) return regions;
  const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const codes = new Set<string>();
  const byName = new Map<string, string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = display.of(code);
      // ICU also names private-use and grouping codes (e.g. "EU", "UN", "XK"); the user-assigned
      // ranges AA, QM-QZ, XA-XZ (but XK, Kosovo) and ZZ are not countries.
      if (name === undefined || name === code || /^(AA|Q[M-Z]|X[A-JL-Z]|ZZ)$/.test(code)) continue;
      codes.add(code);
      byName.set(name.toLowerCase(), code);
    }
  }
  regions = { codes, byName };
  return regions;
}
