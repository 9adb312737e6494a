// The desktop IPC boundary, against a real engine on a temporary data folder: only trusted
// senders, only contract methods, only payloads the contract's schemas accept; errors as data.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EngineStatus } from '../../main/api/contract.ts';
import { createEngine, type Engine } from '../../main/engine.ts';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';
import { createIpcHandler } from '../../electron/ipc-handler.ts';
import type { IpcResult } from '../../electron/ipc-channels.ts';

interface FakeSender {
  url: string;
}
const trusted: FakeSender = { url: 'app://dataspace/index.html' };
const isTrustedSender = (event: FakeSender) => event.url.startsWith('app://dataspace/');

function failure(result: IpcResult) {
  assert.equal(result.ok, false, `expected a failure, got ${JSON.stringify(result)}`);
  if (result.ok) throw new Error('unreachable');
  return result.error;
}

describe('desktop IPC handler', () => {
  let dataDir: string;
  let engine: Engine;
  let handle: (event: FakeSender, method: unknown, args: unknown) => Promise<IpcResult>;
  const unexpected: unknown[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dataspace-ipc-'));
    engine = await createEngine({ dataDir, keyProtector: passphraseKeyProtector('test-passphrase-123', 'test'), actor: 'test' });
    handle = createIpcHandler<FakeSender>(engine, isTrustedSender, { onUnexpectedError: (_method, error) => unexpected.push(error) });
  });
  after(async () => {
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a valid call with the engine result', async () => {
    const result = await handle(trusted, 'getStatus', []);
    assert.ok(result.ok);
    const status = result.result as EngineStatus;
    assert.equal(status.dataDir, dataDir);
    assert.equal(status.keyProtection, 'test');

    const page = await handle(trusted, 'listPatients', [{ offset: 0, limit: 25, sort: 'encounters', descending: true }]);
    assert.deepEqual(page, { ok: true, result: { total: 0, offset: 0, patients: [] } });
  });

  it('refuses a sender that is not our app:// window before looking at the request', async () => {
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://other/index.html', 'devtools://devtools/']) {
      const error = failure(await handle({ url }, 'getStatus', []));
      assert.deepEqual([error.name, error.code], ['SecurityError', 'untrusted-sender'], url);
    }
    const error = failure(await handle({ url: 'https://evil.example/' }, 'no-such-method', 'garbage'));
    assert.equal(error.code, 'untrusted-sender');
  });

  it('answers an unknown method as error data, including engine internals and prototype keys', async () => {
    for (const method of ['dropDatabase', 'close', 'audit', 'onEvent', 'waitForImport', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 42, null, undefined, { toString: () => 'getStatus' }]) {
      const error = failure(await handle(trusted, method, []));
      assert.deepEqual([error.name, error.code], ['InvalidInputError', 'unknown-method'], String(method));
    }
    // The engine is still open: `close` was not called.
    assert.ok((await handle(trusted, 'getStatus', [])).ok);
  });

  it('answers a payload the contract rejects with invalid-request', async () => {
    const cases: [string, unknown][] = [
      ['getStatus', ['unexpected']],
      ['getStatus', undefined],
      ['getStatus', 'not an array'],
      ['listPatients', [{ offset: -1, limit: 10 }]],
      ['listPatients', [{ offset: 0, limit: 100_000 }]],
      ['listPatients', [{ offset: 0, limit: 10, sort: 'name' }]],
      ['listPatients', [{ offset: 0, limit: 10, extra: true }]],
      ['getPatient', [{ pseudonym: "' OR 1=1 --" }]],
      ['cancelImport', [{ jobId: 'not-a-uuid' }]],
      ['startImport', [{ paths: [] }]],
      ['startImport', [{ paths: ['/tmp/x'] }, 'second argument']],
      ['listAudit', [{ offset: 0, limit: 10, action: 'x'.repeat(65) }]],
    ];
    for (const [method, args] of cases) {
      const error = failure(await handle(trusted, method, args));
      assert.deepEqual([error.name, error.code], ['InvalidInputError', 'invalid-request'], `${method} ${JSON.stringify(args)}`);
    }
  });

  it('turns an engine failure into error data and reports it as unexpected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dataspace-ipc-closed-'));
    try {
      const closed = await createEngine({ dataDir: dir, keyProtector: passphraseKeyProtector('test-passphrase-123', 'test'), actor: 'test' });
      await closed.close();
      const reports: unknown[] = [];
      const handleClosed = createIpcHandler<FakeSender>(closed, isTrustedSender, { onUnexpectedError: (_m, e) => reports.push(e) });
      const error = failure(await handleClosed(trusted, 'getStatus', []));
      assert.equal(error.code, 'internal');
      assert.equal(typeof error.message, 'string');
      assert.equal(reports.length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(unexpected.length, 0);
  });
});
