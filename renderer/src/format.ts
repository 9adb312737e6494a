// Number and size formatting for the UI, in the user's locale.
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return integer.format(n);
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? integer.format(perSecond) : oneDecimal.format(perSecond);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? integer.format(value) : oneDecimal.format(value)} ${units[unit]}`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  return `${Math.min(100, Math.floor((part / whole) * 100))}%`;
}

/** Last path segment, for engine paths we have no label for. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

const CODE_SYSTEMS: Record<string, string> = {
  'http://snomed.info/sct': 'SNOMED',
  'http://loinc.org': 'LOINC',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
  'http://hl7.org/fhir/sid/cvx': 'CVX',
  'http://hl7.org/fhir/sid/icd-10': 'ICD-10',
  'http://hl7.org/fhir/sid/icd-10-cm': 'ICD-10-CM',
  'http://www.ama-assn.org/go/cpt': 'CPT',
};

/** "http://snomed.info/sct|44054006" → "SNOMED 44054006"; unknown systems keep their last segment. */
export function formatCode(code: string): string {
  const bar = code.lastIndexOf('|');
  if (bar < 0) return code;
  const system = code.slice(0, bar);
  const short = CODE_SYSTEMS[system] ?? system.split(/[/:]/).filter(Boolean).pop() ?? system;
  return `${short} ${code.slice(bar + 1)}`;
}
