// The browser host on a real loopback socket in front of a real engine on a temporary data folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EngineEvent } from '../../main/api/contract.ts';
import { createEngine, type Engine } from '../../main/engine.ts';
import { startWebHost, type WebHost } from '../../main/host/web.ts';
import { CONTENT_SECURITY_POLICY } from '../../main/host/web-static-files.ts';
import { sanitizeUploadName } from '../../main/host/web-upload-staging.ts';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<
    T = { ok: boolean; result?: unknown; error?: { name: string; code: string; message: string } },
  >(): T;
}

function send(
  port: number,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

let dataDir: string;
let staticDir: string;
let engine: Engine;
let host: WebHost;

const auth = () => ({ Authorization: `Bearer ${host.token}` });
const call = (method: string, args: unknown, headers: Record<string, string> = auth()) =>
  send(host.port, {
    method: 'POST',
    path: `/api/call/${method}`,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof args === 'string' ? args : JSON.stringify(args),
  });
const upload = (name: string, body: string | Buffer, port = host.port, token = host.token) =>
  send(port, {
    method: 'POST',
    path: '/api/upload',
    headers: {
      Authorization: `Bearer ${token}`,
      'X-File-Name': name,
      'Content-Type': 'application/octet-stream',
    },
    body,
  });

/** An upload without Content-Length, so only the streaming limit can catch it. */
function uploadChunked(target: WebHost, name: string, chunks: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: 'POST',
        path: '/api/upload',
        headers: {
          Host: `127.0.0.1:${target.port}`,
          Authorization: `Bearer ${target.token}`,
          'X-File-Name': name,
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e),
    );
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dataspace-web-data-'));
  staticDir = mkdtempSync(join(tmpdir(), 'dataspace-web-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>DataSpace Node</title>');
  writeFileSync(join(staticDir, 'app.js'), 'export {};');
  engine = await createEngine({
    dataDir,
    keyProtector: passphraseKeyProtector('test-passphrase-123', 'test'),
    actor: 'web',
  });
  host = await startWebHost({ engine, staticDir });
});

after(async () => {
  await host?.close();
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
});

describe('binding and addressing', () => {
  test('listens on 127.0.0.1 with the token in the URL fragment', () => {
    assert.match(
      host.url,
      new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#token=[A-Za-z0-9_-]{43}$`),
    );
    assert.equal(Buffer.from(host.token, 'base64url').length, 32);
  });

  test('is not reachable on a non-loopback interface', async (t) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) {
      t.skip('this machine has no non-loopback IPv4 interface');
      return;
    }
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: external.address, port: host.port });
      socket.setTimeout(2000, () => {
        socket.destroy();
        resolve('timeout');
      });
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    assert.notEqual(outcome, 'connected');
  });

  test('refuses a Host header other than 127.0.0.1 or localhost on its port (DNS rebinding)', async () => {
    for (const hostHeader of [
      'evil.example',
      `evil.example:${host.port}`,
      `127.0.0.1:${host.port + 1}`,
      '127.0.0.1',
    ]) {
      const reply = await send(host.port, { path: '/', headers: { Host: hostHeader } });
      assert.equal(reply.status, 403, hostHeader);
      assert.equal(reply.json().error?.code, 'host-not-allowed');
    }
    const rebound = await call('getStatus', [], { ...auth(), Host: 'attacker.test' });
    assert.equal(rebound.status, 403);
    assert.equal(
      (await send(host.port, { path: '/', headers: { Host: `localhost:${host.port}` } })).status,
      200,
    );
  });

  test('refuses cross-origin API calls even with the token', async () => {
    const reply = await call('getStatus', [], { ...auth(), Origin: 'https://evil.example' });
    assert.equal(reply.status, 403);
    assert.equal(reply.json().error?.code, 'origin-not-allowed');
    assert.equal(
      (await call('getStatus', [], { ...auth(), Origin: `http://127.0.0.1:${host.port}` })).status,
      200,
    );
  });
});

describe('API calls', () => {
  test('answers a valid call with { ok: true, result }', async () => {
    const reply = await call('getStatus', []);
    assert.equal(reply.status, 200);
    const body = reply.json<{ ok: true; result: { dataDir: string; keyProtection: string } }>();
    assert.equal(body.ok, true);
    assert.equal(body.result.keyProtection, 'test');
    assert.equal(reply.headers['cache-control'], 'no-store');
  });

  test('returns 401 without a token or with a wrong one', async () => {
    const wrongSameLength = host.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer nope' },
      { Authorization: `Bearer ${wrongSameLength}` },
      { Authorization: host.token },
    ];
    for (const headers of attempts) {
      const reply = await call('getStatus', [], headers);
      assert.equal(reply.status, 401);
      const body = reply.json();
      assert.equal(body.ok, false);
      assert.deepEqual(Object.keys(body.error ?? {}).sort(), ['code', 'message', 'name']);
      assert.equal(body.error?.code, 'bad-token');
    }
  });

  test('returns 400 for payloads the schema refuses', async () => {
    const invalid: unknown[] = [
      [{ offset: 0, limit: 1_000_000 }],
      [{ offset: 0, limit: 10, extra: true }],
      [{ offset: -1, limit: 10 }],
      [{ offset: 0, limit: 10, sort: 'name; DROP TABLE patient' }],
      { offset: 0, limit: 10 },
      [],
    ];
    for (const args of invalid) {
      const reply = await call('listPatients', args);
      assert.equal(reply.status, 400, JSON.stringify(args));
      assert.equal(reply.json().error?.name, 'InvalidInputError');
      assert.equal(reply.json().error?.code, 'invalid-request');
    }
    const badJson = await call('listPatients', '[{"offset": 0,');
    assert.equal(badJson.status, 400);
    assert.equal(badJson.json().error?.code, 'invalid-json');
    const ok = await call('listPatients', [{ offset: 0, limit: 10 }]);
    assert.equal(ok.status, 200);
  });

  test('returns 404 for a method the contract does not have', async () => {
    for (const name of [
      'dropDatabase',
      'constructor',
      '__proto__',
      'toString',
      'close',
      'onEvent',
    ]) {
      const reply = await call(name, []);
      assert.equal(reply.status, 404, name);
      assert.equal(reply.json().error?.code, 'unknown-method');
    }
  });

  test('limits the body size of a call', async () => {
    const reply = await call('startImport', [{ paths: ['x'.repeat(17 * 1024 * 1024)] }]);
    assert.equal(reply.status, 413);
    assert.equal(reply.json().error?.code, 'body-too-large');
  });

  test('refuses non-JSON bodies and other verbs', async () => {
    const form = await call('getStatus', '[]', { ...auth(), 'Content-Type': 'text/plain' });
    assert.equal(form.status, 415);
    const get = await send(host.port, { path: '/api/call/getStatus', headers: auth() });
    assert.equal(get.status, 405);
  });
});

describe('static files', () => {
  test('sends the strict CSP and hardening headers on every response', async () => {
    const replies = [
      await send(host.port, { path: '/' }),
      await send(host.port, { path: '/app.js' }),
      await send(host.port, { path: '/missing.js' }),
      await call('getStatus', []),
      await call('getStatus', [], {}),
    ];
    for (const reply of replies) {
      assert.equal(reply.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
      assert.equal(reply.headers['x-content-type-options'], 'nosniff');
      assert.equal(reply.headers['referrer-policy'], 'no-referrer');
      assert.equal(reply.headers['cross-origin-opener-policy'], 'same-origin');
    }
    assert.equal(
      CONTENT_SECURITY_POLICY,
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    assert.equal(replies[0]?.status, 200);
    assert.match(String(replies[0]?.headers['content-type']), /^text\/html/);
    assert.match(String(replies[1]?.headers['content-type']), /^text\/javascript/);
    assert.equal(replies[2]?.status, 404);
  });

  test('never serves a file outside the static folder', async () => {
    for (const path of [
      '/../../../etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%00index.html',
    ]) {
      const reply = await send(host.port, { path });
      assert.equal(reply.status, 404, path);
      assert.doesNotMatch(reply.text, /root:/);
    }
  });
});

describe('events', () => {
  test('refuses the event stream without the token', async () => {
    assert.equal((await send(host.port, { path: '/api/events' })).status, 401);
    assert.equal((await send(host.port, { path: '/api/events?token=wrong' })).status, 401);
  });

  test('streams engine events as Server-Sent Events', { timeout: 30_000 }, async () => {
    const received: EngineEvent[] = [];
    let headers: IncomingHttpHeaders = {};
    const gotEvent = new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: `/api/events?token=${host.token}`,
          headers: { Host: `127.0.0.1:${host.port}` },
        },
        (res) => {
          headers = res.headers;
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const frame = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = frame.split('\n').find((l) => l.startsWith('data: '));
              if (data) received.push(JSON.parse(data.slice(6)) as EngineEvent);
              if (received.length > 0) {
                req.destroy();
                resolve();
              }
            }
          });
          // The stream is open once headers arrive: starting an import appends to the audit trail
          // (audit.appended) and reports progress, so events must follow.
          void (async () => {
            const staged = (
              await upload('events/one.ndjson', '{"resourceType":"Patient","id":"sse-marker-1"}\n')
            ).json<{
              ok: true;
              result: { path: string };
            }>();
            await call('startImport', [{ paths: [staged.result.path] }]);
          })().catch(reject);
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) =>
        e.code === 'ECONNRESET' ? undefined : reject(e),
      );
      req.end();
    });
    await gotEvent;
    assert.match(String(headers['content-type']), /^text\/event-stream/);
    assert.ok(
      ['audit.appended', 'import.progress', 'import.finished'].includes(received[0]?.type ?? ''),
    );
    assert.equal(typeof received[0]?.seq, 'number');
  });
});

describe('uploads', () => {
  test('refuses path traversal and absolute names', async () => {
    for (const name of [
      encodeURIComponent('../../etc/passwd'),
      encodeURIComponent('folder/../../escape.ndjson'),
      encodeURIComponent('..\\..\\windows\\win.ini'),
      encodeURIComponent('/etc/passwd'),
      encodeURIComponent('C:\\Windows\\win.ini'),
      encodeURIComponent('\\\\server\\share\\x'),
      '%2e%2e%2fsecret',
      encodeURIComponent('a\u0000b'),
      '%E0%A4%A',
    ]) {
      const reply = await upload(name, 'x');
      assert.equal(reply.status, 400, name);
      assert.equal(reply.json().error?.code, 'invalid-file-name');
    }
  });

  test('stages a file under the per-launch folder in the OS temp dir, keeping its folders', async () => {
    const reply = await upload(encodeURIComponent('export 1/sub/Patient.ndjson'), 'abc');
    assert.equal(reply.status, 200);
    const { path } = reply.json<{ ok: true; result: { path: string } }>().result;
    assert.ok(path.startsWith(host.stagingDir + sep));
    assert.ok(path.endsWith(join('export 1', 'sub', 'Patient.ndjson')));
    assert.ok(host.stagingDir.startsWith(tmpdir()));
    assert.ok(!path.startsWith(dataDir));
    assert.equal(readFileSync(path, 'utf8'), 'abc');
  });

  test('requires the token', async () => {
    const reply = await upload('a.ndjson', 'x', host.port, 'wrong');
    assert.equal(reply.status, 401);
  });

  test('deletes staged files when their import finishes', { timeout: 60_000 }, async () => {
    const { path } = (
      await upload('cleanup/one.ndjson', '{"resourceType":"Patient","id":"cleanup-marker-1"}\n')
    ).json<{
      ok: true;
      result: { path: string };
    }>().result;
    assert.ok(existsSync(path));
    // Other tests' imports may still be finishing: wait for this job's own event.
    const finishedJobs = new Set<string>();
    let notify = () => {};
    const off = engine.onEvent((e) => {
      if (e.type === 'import.finished') {
        finishedJobs.add(e.job.jobId);
        notify();
      }
    });
    try {
      const started = (await call('startImport', [{ paths: [path] }])).json<{
        ok: true;
        result: { jobId: string };
      }>();
      await new Promise<void>((resolve) => {
        notify = () => finishedJobs.has(started.result.jobId) && resolve();
        notify();
      });
    } finally {
      off();
    }
    // The host deletes on the same event; give its rm a moment without a fixed sleep.
    for (let i = 0; i < 100 && existsSync(path); i += 1)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(existsSync(path), false);
  });

  test('enforces the size limit and removes the partial file; close() removes the staging folder', async () => {
    const small = await startWebHost({ engine, staticDir, maxUploadBytes: 1024 });
    try {
      const declared = await upload('big.ndjson', Buffer.alloc(4096), small.port, small.token);
      assert.equal(declared.status, 413);
      assert.equal(declared.json().error?.code, 'upload-too-large');
      const streamed = await uploadChunked(small, 'streamed.ndjson', [
        Buffer.alloc(600),
        Buffer.alloc(600),
        Buffer.alloc(600),
      ]);
      assert.equal(streamed, 413);
      assert.deepEqual(
        readdirSync(small.stagingDir),
        ['.owner-pid'],
        'no partial upload is left behind',
      );
      const ok = await upload('fits.ndjson', Buffer.alloc(512), small.port, small.token);
      assert.equal(ok.status, 200);
      assert.ok(existsSync(small.stagingDir));
    } finally {
      await small.close();
    }
    assert.equal(existsSync(small.stagingDir), false);
  });
});

describe('staging after a crash', () => {
  test('removes staging folders of hosts that are no longer running, and keeps live ones', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'dataspace-staging-parent-'));
    try {
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      const orphan = join(parent, 'dataspace-upload-orphan');
      const live = join(parent, 'dataspace-upload-live');
      for (const [dir, pid] of [
        [orphan, dead],
        [live, process.pid],
      ] as const) {
        mkdirSync(join(dir, 'abc'), { recursive: true });
        writeFileSync(join(dir, '.owner-pid'), String(pid));
        writeFileSync(
          join(dir, 'abc', 'raw.ndjson'),
          '{"resourceType":"Patient","id":"orphan-marker"}\n',
        );
      }
      const next = await startWebHost({ engine, staticDir, stagingDir: parent });
      try {
        assert.equal(existsSync(orphan), false);
        assert.equal(existsSync(live), true);
        assert.ok(next.stagingDir.startsWith(parent));
      } finally {
        await next.close();
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  test('refuses a staging folder inside the data folder', async () => {
    await assert.rejects(
      startWebHost({ engine, staticDir, stagingDir: join(dataDir, 'uploads') }),
      {
        name: 'EngineSetupError',
      },
    );
  });
});

describe('upload names', () => {
  test('keeps folders and replaces characters Windows cannot store', () => {
    assert.deepEqual(sanitizeUploadName(encodeURIComponent('a/b:c?.json')), ['a', 'b_c_.json']);
    assert.deepEqual(sanitizeUploadName(encodeURIComponent('./x//y.ndjson')), ['x', 'y.ndjson']);
    assert.deepEqual(sanitizeUploadName('CON.txt'), ['_CON.txt']);
  });
});
