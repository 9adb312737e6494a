// Last check before anything leaves the node: an outgoing JSON payload may hold numbers and
// short codes under known keys, nothing that looks like a pseudonym, identifier or date, and
// no free text. Findings name the path and the kind, never the value (it may be the identifier).
import { DisclosureRefusedError } from './disclosure-policy.ts';

/** What kind of leak a finding is. */
export type PayloadFindingKind = 'pseudonym' | 'identifier' | 'date' | 'free-text' | 'unknown-key';

/** One blocked value: where it sits and what it looks like. */
export interface PayloadFinding {
  path: string;
  kind: PayloadFindingKind;
}

/** Which keys may appear, and under which of them short code strings (feature names, strata) are allowed. */
export interface PayloadScanPolicy {
  allowedKeys: ReadonlySet<string>;
  codeValueKeys: ReadonlySet<string>;
}

const STRING_RULES: ReadonlyArray<[PayloadFindingKind, RegExp]> = [
  // First, so a 2.25.<39 digits> UID is reported as an identifier rather than a hex run.
  ['identifier', /(?<![\d.])\d+(?:\.\d+){2,}/], // OIDs and DICOM UIDs (PS3.5 §9), e.g. 2.25.…
  // Our pseudonyms are HMAC-SHA-256 in hex (ARCHITECTURE.md); 32+ hex digits covers truncated ones.
  ['pseudonym', /[0-9a-f]{32,}/i],
  ['date', /(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])/],
  ['date', /(?<!\d)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)/],
  ['identifier', /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i], // UUID
  ['identifier', /[^\s@]+@[^\s@]+\.[a-z]{2,}/i], // e-mail
  ['identifier', /\d{3}-\d{2}-\d{4}|\d{6,}/], // SSN pattern, MRNs, phone numbers
  ['identifier', /^urn:|^(?:mrn|pid|patient|ssn|nhs)[\s:_-]/i],
];

const CODE_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}$/;

function numberKind(value: number): PayloadFindingKind | undefined {
  if (!Number.isInteger(value)) return undefined;
  if (STRING_RULES.some(([kind, re]) => kind === 'date' && re.test(String(value)))) return 'date';
  // Unix time in seconds (2001-2033) or milliseconds: no count in a consortium table is this large.
  if ((value >= 1e9 && value < 2e9) || (value >= 1e12 && value < 2e12)) return 'date';
  return undefined;
}

/** Scans a payload and lists everything that must not leave the node. */
export function scanOutgoingPayload(payload: unknown, policy: PayloadScanPolicy): PayloadFinding[] {
  const findings: PayloadFinding[] = [];
  const visit = (value: unknown, path: string, key: string | undefined): void => {
    if (value === null || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      const kind = numberKind(value);
      if (kind) findings.push({ path, kind });
      return;
    }
    if (typeof value === 'string') {
      const rule = STRING_RULES.find(([, re]) => re.test(value));
      if (rule) findings.push({ path, kind: rule[0] });
      else if (key === undefined || !policy.codeValueKeys.has(key) || !CODE_VALUE.test(value)) findings.push({ path, kind: 'free-text' });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`, key));
      return;
    }
    if (typeof value === 'object') {
      Object.entries(value as Record<string, unknown>).forEach(([k, v], i) => {
        // Keys are data too ({"<pseudonym>": 3}); an unknown key is reported by position only.
        if (!policy.allowedKeys.has(k)) {
          const rule = STRING_RULES.find(([, re]) => re.test(k));
          findings.push({ path: `${path}.<key ${i}>`, kind: rule ? rule[0] : 'unknown-key' });
          return;
        }
        visit(v, `${path}.${k}`, k);
      });
      return;
    }
    findings.push({ path, kind: 'free-text' });
  };
  visit(payload, '$', undefined);
  return findings;
}

/** Throws DisclosureRefusedError listing paths and kinds if anything in the payload is blocked. */
export function assertPayloadReleasable(payload: unknown, policy: PayloadScanPolicy): void {
  const findings = scanOutgoingPayload(payload, policy);
  if (findings.length > 0) {
    const summary = findings.slice(0, 10).map((f) => `${f.path} (${f.kind})`).join(', ');
    throw new DisclosureRefusedError(
      `The outgoing payload was blocked: ${findings.length} value(s) look patient-level — ${summary}${findings.length > 10 ? ', …' : ''}.`,
      'payload-blocked',
    );
  }
}
