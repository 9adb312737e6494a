// Wording and short forms of the Consortium view: states, hashes, dates and the "what leaves" text.
import type { ConsortiumRequestSummary, ReleasePolicySummary, SyncRunSummary } from '../../main/api/contract.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const epsilon = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

export function formatWhen(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateOnly.format(date);
}

export function formatEpsilon(value: number): string {
  return epsilon.format(value);
}

/** The first 12 hex digits of a SHA-256; the full value goes in a title. */
export function shortHash(hex: string): string {
  return hex.length > 12 ? `${hex.slice(0, 12)}…` : hex;
}

/** "AB:CD:…" fingerprints wrap poorly; spaces every 8 characters let them break. */
export function breakableHex(hex: string): string {
  return hex.replace(/(.{8})(?=.)/g, '$1 ');
}

export function daysLeftText(days: number): string {
  if (days < 0) return `expired ${Math.abs(days)} ${Math.abs(days) === 1 ? 'day' : 'days'} ago`;
  if (days === 0) return 'expires today';
  return `${days} ${days === 1 ? 'day' : 'days'} left`;
}

export const REQUEST_STATE_LABELS: Record<ConsortiumRequestSummary['state'], string> = {
  'pending-review': 'Waiting for review',
  approved: 'Approved, uploads at next sync',
  rejected: 'Rejected',
  refused: 'Refused by policy',
  uploaded: 'Uploaded',
};

/** Pill tone per request state (classes of app.css). */
export const REQUEST_STATE_PILLS: Record<ConsortiumRequestSummary['state'], string> = {
  'pending-review': 'pill pill-skipped',
  approved: 'pill',
  rejected: 'pill pill-failed',
  refused: 'pill pill-failed',
  uploaded: 'pill pill-done',
};

export const SYNC_STATE_PILLS: Record<SyncRunSummary['state'], string> = {
  running: 'pill',
  done: 'pill pill-done',
  failed: 'pill pill-failed',
};

export const NOISE_LABELS: Record<ReleasePolicySummary['noise'], string> = {
  none: 'None (exact counts above the minimum cell size)',
  laplace: 'Laplace noise (differential privacy)',
};

/**
 * The payload indented for reading. The bytes that leave are `payloadJson` itself; indenting only
 * adds whitespace, so the values shown are the values sent.
 */
export function indentJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
