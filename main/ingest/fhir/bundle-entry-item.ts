// One Bundle.entry, cut out of the document by the scanner, as a reader item: its
// resource with fullUrl, or why there is nothing to import (reasons quote no content).
import { describeMalformedJson } from './json-syntax-error.ts';
import { isFhirResource, isJsonObject } from './fhir-item.ts';
import type { FhirItem } from './fhir-item.ts';

// Bundle.entry.request.method (http-verb, FHIR R4).
const HTTP_VERBS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']);

/** Turns one Bundle.entry element into an item (1-based `index`). */
export function bundleEntryItem(
  text: string,
  line: number,
  column: number,
  index: number,
): FhirItem {
  const position = `entry ${index} (line ${line})`;
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return { ok: false, position, reason: describeMalformedJson(text, line, column) };
  }
  if (!isJsonObject(entry)) return { ok: false, position, reason: 'entry is not a JSON object' };
  const request = entry.request;
  if (isJsonObject(request) && request.method === 'DELETE') {
    return { ok: false, position, reason: 'DELETE request entry (nothing to import)' };
  }
  const resource = entry.resource;
  if (resource === undefined) {
    // Only the HTTP verb, never other request content, appears in the reason.
    const method =
      isJsonObject(request) && HTTP_VERBS.has(request.method as string)
        ? String(request.method)
        : undefined;
    return {
      ok: false,
      position,
      reason: method ? `${method} request entry without a resource` : 'entry has no resource',
    };
  }
  if (!isFhirResource(resource)) return { ok: false, position, reason: 'no resourceType' };
  const fullUrl = entry.fullUrl;
  return typeof fullUrl === 'string'
    ? { ok: true, resource, position, fullUrl }
    : { ok: true, resource, position };
}
