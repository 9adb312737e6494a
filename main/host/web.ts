// The browser host: the engine behind a loopback-only HTTP server with a per-launch random token,
// serving the built renderer. Same contract as the desktop preload: `POST /api/call/<method>`
// takes the argument array, validated with `apiInputSchemas`; events arrive by Server-Sent Events.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve, isAbsolute } from 'node:path';
import {
  apiInputSchemas,
  isApiMethod,
  type ApiError,
  type DataSpaceApi,
  type EngineEvent,
} from '../api/contract.ts';
import type { Engine } from '../engine.ts';
import { EngineSetupError, toApiError } from '../util/errors.ts';
import { SECURITY_HEADERS, serveStaticFile } from './web-static-files.ts';
import { WebUploadStaging } from './web-upload-staging.ts';

const LOOPBACK = '127.0.0.1';
const GIB = 1024 ** 3;
const SSE_HEARTBEAT_MS = 20_000;

/** What the host needs of the engine: the contract and its events (tests pass a real engine). */
export type WebHostEngine = DataSpaceApi & Pick<Engine, 'onEvent'> & { readonly dataDir?: string };

export interface WebHostOptions {
  engine: WebHostEngine;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built renderer (renderer/dist). */
  staticDir: string;
  /** Parent of the per-launch upload folder; defaults to the OS temp dir. Never the data folder. */
  stagingDir?: string;
  /** Per uploaded file; default 8 GiB. */
  maxUploadBytes?: number;
  /** Per API call body; default 16 MiB (a startImport of many long paths). */
  maxCallBytes?: number;
}

/** A running browser host. `url` carries the token in its fragment, which never reaches a server log. */
export interface WebHost {
  url: string;
  token: string;
  port: number;
  /** The per-launch upload staging folder (removed on close). */
  stagingDir: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

function apiError(name: string, code: string, message: string): ApiError {
  return { name, code, message };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: ApiError): void {
  // A refused request may still be sending its body; do not reuse the connection for it.
  if (!res.req.complete) res.setHeader('Connection', 'close');
  sendJson(res, status, { ok: false, error });
}

function statusFor(error: ApiError): number {
  if (error.name === 'InvalidInputError') return error.code === 'upload-too-large' ? 413 : 400;
  if (error.name === 'CancellationError') return 409;
  return 500;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError(
      413,
      apiError('InvalidInputError', 'body-too-large', `The request body exceeds ${limit} bytes.`),
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw new HttpError(
        413,
        apiError('InvalidInputError', 'body-too-large', `The request body exceeds ${limit} bytes.`),
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sameToken(given: string | null | undefined, token: Buffer): boolean {
  if (!given) return false;
  const candidate = Buffer.from(given);
  return candidate.length === token.length && timingSafeEqual(candidate, token);
}

function validationMessage(
  method: string,
  issues: { path: PropertyKey[]; message: string }[],
): string {
  const first = issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : 'arguments'}: ${i.message}`)
    .join('; ');
  return `Invalid arguments for ${method}: ${first}`;
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Starts the loopback host. Resolves once it is listening on 127.0.0.1. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { engine, staticDir } = options;
  const maxUploadBytes = options.maxUploadBytes ?? 8 * GIB;
  const maxCallBytes = options.maxCallBytes ?? 16 * 1024 ** 2;
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new EngineSetupError(
      `The browser UI is not built (no index.html in ${staticDir}). Run \`npm run build:renderer\` first.`,
      'renderer-not-built',
    );
  }
  if (options.stagingDir && engine.dataDir && isInside(engine.dataDir, options.stagingDir)) {
    throw new EngineSetupError(
      'The upload staging folder must not be inside the data folder.',
      'staging-in-data-folder',
    );
  }
  const staging = await WebUploadStaging.create(options.stagingDir);
  const token = randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const eventStreams = new Set<ServerResponse>();
  let port = 0;

  const stopReleasing = engine.onEvent((event) => {
    if (event.type === 'import.finished') void staging.release(event.job.jobId);
  });

  const allowedHosts = () => [`${LOOPBACK}:${port}`, `localhost:${port}`];

  // DNS rebinding: a page on evil.example resolved to 127.0.0.1 still sends its own Host.
  function checkOrigin(req: IncomingMessage): void {
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      throw new HttpError(
        403,
        apiError(
          'ForbiddenError',
          'host-not-allowed',
          'Requests must address 127.0.0.1 or localhost.',
        ),
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts().some((h) => origin === `http://${h}`)) {
      throw new HttpError(
        403,
        apiError('ForbiddenError', 'origin-not-allowed', 'Cross-origin requests are refused.'),
      );
    }
  }

  function checkBearer(req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    if (!sameToken(match?.[1], tokenBytes)) {
      throw new HttpError(
        401,
        apiError(
          'UnauthorizedError',
          'bad-token',
          'Missing or wrong access token. Open the URL printed at start-up.',
        ),
      );
    }
  }

  function requireMethod(req: IncomingMessage, method: string): void {
    if (req.method !== method) {
      throw new HttpError(
        405,
        apiError('InvalidInputError', 'method-not-allowed', `Use ${method} for this endpoint.`),
      );
    }
  }

  async function handleCall(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
  ): Promise<void> {
    requireMethod(req, 'POST');
    checkBearer(req);
    if (!isApiMethod(name)) {
      throw new HttpError(
        404,
        apiError('NotFoundError', 'unknown-method', `There is no API method "${name}".`),
      );
    }
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) {
      throw new HttpError(
        415,
        apiError(
          'InvalidInputError',
          'unsupported-media-type',
          'Send the arguments as application/json.',
        ),
      );
    }
    const body = await readBody(req, maxCallBytes);
    let args: unknown;
    try {
      args = body.length === 0 ? [] : JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(
        400,
        apiError('InvalidInputError', 'invalid-json', 'The request body is not valid JSON.'),
      );
    }
    const parsed = apiInputSchemas[name].safeParse(args);
    if (!parsed.success) {
      throw new HttpError(
        400,
        apiError(
          'InvalidInputError',
          'invalid-request',
          validationMessage(name, parsed.error.issues),
        ),
      );
    }
    const call = engine[name] as (...a: unknown[]) => Promise<unknown>;
    try {
      const result = await call.apply(engine, parsed.data as unknown[]);
      if (name === 'startImport') {
        const { paths } = (parsed.data as Parameters<DataSpaceApi['startImport']>)[0];
        staging.claim((result as { jobId: string }).jobId, paths);
      }
      sendJson(res, 200, { ok: true, result: result ?? null });
    } catch (error) {
      if (name === 'startImport') {
        await staging.discard((parsed.data as Parameters<DataSpaceApi['startImport']>)[0].paths);
      }
      throw error;
    }
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requireMethod(req, 'POST');
    checkBearer(req);
    const name = req.headers['x-file-name'];
    if (typeof name !== 'string' || name === '') {
      throw new HttpError(
        400,
        apiError(
          'InvalidInputError',
          'invalid-file-name',
          'Name the file in the X-File-Name header.',
        ),
      );
    }
    const path = await staging.receive(req, name, maxUploadBytes);
    sendJson(res, 200, { ok: true, result: { path } });
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse, url: URL): void {
    requireMethod(req, 'GET');
    // EventSource cannot send headers, so this one endpoint takes the token as a query parameter.
    if (!sameToken(url.searchParams.get('token'), tokenBytes)) {
      throw new HttpError(
        401,
        apiError('UnauthorizedError', 'bad-token', 'Missing or wrong access token.'),
      );
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    const send = (event: EngineEvent) =>
      res.write(`id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`);
    const unsubscribe = engine.onEvent(send);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
    heartbeat.unref();
    eventStreams.add(res);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      eventStreams.delete(res);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [header, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(header, value);
    try {
      checkOrigin(req);
      const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
      const path = url.pathname;
      if (path.startsWith('/api/call/'))
        await handleCall(req, res, path.slice('/api/call/'.length));
      else if (path === '/api/upload') await handleUpload(req, res);
      else if (path === '/api/events') handleEvents(req, res, url);
      else if (path.startsWith('/api/'))
        throw new HttpError(404, apiError('NotFoundError', 'not-found', 'No such endpoint.'));
      else await serveStaticFile(staticDir, path, req, res);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendError(res, error.status, error.error);
        return;
      }
      const apiErr = toApiError(error);
      const status = statusFor(apiErr);
      // Bugs are logged with their stack; expected input problems only go back to the caller.
      if (status >= 500) console.error('web host: request failed', error);
      sendError(res, status, apiErr);
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  // Uploads of multi-gigabyte exports may take longer than Node's default 5-minute request limit.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'EADDRINUSE'
          ? `Port ${options.port} is already in use; choose another with --port.`
          : error.message;
      reject(new EngineSetupError(message, 'listen-failed'));
    });
    // Loopback only: the host is never reachable from another machine.
    server.listen({ host: LOOPBACK, port: options.port ?? 0 }, () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${LOOPBACK}:${port}/#token=${token}`,
    token,
    port,
    stagingDir: staging.root,
    close() {
      closing ??= (async () => {
        stopReleasing();
        for (const stream of eventStreams) stream.end();
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeAllConnections();
        await closed;
        await staging.dispose();
      })();
      return closing;
    },
  };
}
