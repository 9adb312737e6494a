// The privileged app:// scheme that serves the built renderer instead of file:// (VS Code's
// vscode-file://, Electron security checklist item 18). Only files under renderer/dist are served,
// each with the CSP; anything else is a 404. Pure Node so it is tested without Electron.
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../main/host/content-security-policy.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'dataspace';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export { CONTENT_SECURITY_POLICY };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** True for URLs of our own origin (app://dataspace/...). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Which requests the session lets through: our origin, inline data: images, and DevTools' own
 * pages. Everything else (http, https, ws, file, ftp...) is cancelled: the renderer talks to the
 * engine over IPC only, and all network traffic goes through the engine.
 */
export function isAllowedRequestUrl(url: string): boolean {
  if (isAppUrl(url)) return true;
  return url.startsWith('data:') || url.startsWith('devtools://');
}

export interface AppAssetResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer<ArrayBuffer> | null;
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

function failure(status: number, text: string): AppAssetResponse {
  return {
    status,
    headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' },
    body: Buffer.from(text),
  };
}

function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function regularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Maps an app:// request to a file under `rendererRoot`. Refuses other hosts, encoded traversal
 * (`%2e%2e`, `%2f`, backslashes), NUL bytes and symlinks that leave the root. A path without an
 * extension that matches no file gets index.html, so client-side routes survive a reload.
 */
export async function resolveAppAsset(rendererRoot: string, requestUrl: string, method = 'GET'): Promise<AppAssetResponse> {
  if (method !== 'GET' && method !== 'HEAD') return failure(405, 'Method not allowed');
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return failure(400, 'Bad request');
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return failure(404, 'Not found');

  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return failure(400, 'Bad request');
  }
  if (pathname.includes('\0') || pathname.includes('\\') || /%2f|%5c/i.test(url.pathname)) return failure(400, 'Bad request');
  if (pathname === '/' || pathname === '') pathname = '/index.html';

  const root = await realpath(resolve(rendererRoot)).catch(() => null);
  if (!root) return failure(404, 'Not found');
  let candidate = resolve(root, `.${pathname}`);
  if (!isInside(root, candidate)) return failure(404, 'Not found');
  if (!(await regularFile(candidate))) {
    if (extname(pathname) !== '') return failure(404, 'Not found');
    candidate = join(root, 'index.html');
  }
  const real = await realpath(candidate).catch(() => null);
  if (!real || !isInside(root, real) || !(await regularFile(real))) return failure(404, 'Not found');

  const body = method === 'HEAD' ? null : await readFile(real);
  const contentType = CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
  return { status: 200, headers: { ...securityHeaders(), 'Content-Type': contentType }, body };
}
