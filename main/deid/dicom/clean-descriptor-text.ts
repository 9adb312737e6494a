// The "C" (clean) action for free text (PS3.15 Table E.1-1a: "replace with values of similar
// meaning known not to contain identifying information"). Words that appear in this object's
// identifying attributes are removed, as are dates, long digit runs and e-mail addresses;
// what remains is the description ("CT CHEST W CONTRAST"). This is best effort: a name that
// appears nowhere else in the header cannot be recognised, which is why the option is off by default.

const DATE_PATTERNS = [
  /\b\d{4}[-./]\d{1,2}[-./]\d{1,2}\b/g,
  /\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b/g,
  /\b(?:19|20)\d{6}\b/g,
];
const LONG_NUMBER = /\d{5,}/g;
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/g;
const TOKEN_SPLIT = /[\s^\\=,;:/()"'[\]{}<>|_.-]+/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class DescriptorCleaner {
  private readonly identifying: RegExp | null;

  /** `identifyingValues`: the values of attributes the profile removes or replaces. */
  constructor(identifyingValues: Iterable<string>) {
    const tokens = new Set<string>();
    for (const value of identifyingValues) {
      const whole = value.replace(/[\s\0]+$/, '').trim();
      if (whole.length >= 3) tokens.add(whole.toLowerCase());
      for (const token of value.split(TOKEN_SPLIT)) {
        // Short words ("CT", "DR") and short numbers are too common to be identifying.
        if (token.length >= 3 && !/^\d{1,3}$/.test(token)) tokens.add(token.toLowerCase());
      }
    }
    const sorted = [...tokens].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.identifying = sorted.length > 0 ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${sorted.join('|')})(?![\\p{L}\\p{N}])`, 'giu') : null;
  }

  clean(text: string): string {
    let cleaned = text.replace(EMAIL, ' ');
    for (const pattern of DATE_PATTERNS) cleaned = cleaned.replace(pattern, ' ');
    cleaned = cleaned.replace(LONG_NUMBER, ' ');
    if (this.identifying) cleaned = cleaned.replace(this.identifying, ' ');
    return cleaned.replace(/[ \t]{2,}/g, ' ').trim();
  }
}
