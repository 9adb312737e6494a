// Integration: the consortium transport end to end on loopback — the real minio client, real TLS 1.3
// with client certificates, the S3 sandbox checking SigV4, a CONNECT proxy, and the SQLite outbox
// surviving a store outage and a process killed in the middle of an upload.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { Client as MinioClient } from 'minio';
import { createCertificateRevocationList } from '../../main/pki/certificate-revocation-list.ts';
import type { ConsortiumCa } from '../../main/pki/consortium-ca.ts';
import { TEST_INSTITUTION, createTestCa, enrolTestInstitution, issueTestServer } from '../../main/pki/consortium-test-fixture.ts';
import type { TestCredential } from '../../main/pki/consortium-test-fixture.ts';
import { openWritable } from '../../main/store/database.ts';
import type { WritableDB } from '../../main/store/database.ts';
import { migrate, migrations } from '../../main/store/migrations/index.ts';
import { migration0050 } from '../../main/store/migrations/0050-consortium.ts';
import { ConsortiumObjectStore, ConsortiumStoreError } from '../../main/sync/consortium-object-store.ts';
import type { ConsortiumObjectStoreOptions } from '../../main/sync/consortium-object-store.ts';
import { signDetachedJws } from '../../main/sync/detached-jws.ts';
import { createMtlsClientOptions } from '../../main/sync/mtls-client-options.ts';
import type { MtlsClientIdentity } from '../../main/sync/mtls-client-options.ts';
import { startS3Sandbox } from '../../main/sync/s3-sandbox-server.ts';
import { S3SandboxError } from '../../main/sync/s3-sandbox-storage.ts';
import type { S3Sandbox, S3SandboxHooks } from '../../main/sync/s3-sandbox-server.ts';
import { UploadOutbox } from '../../main/sync/upload-outbox.ts';
import { startConnectProxy } from './fixtures/connect-proxy.ts';
import { REPO_ROOT, tempDir } from './helpers.ts';

const DAY = 86_400_000;
const BUCKET = 'consortium';
const CREDENTIALS = { accessKey: 'DSNTESTACCESSKEY0001', secretKey: 'test-secret-key-0123456789abcdefghijklmn' };
const QUICK_RETRY = { attempts: 2, baseDelayMs: 10, maxDelayMs: 40 };
const CHILD_SCRIPT = join(REPO_ROOT, 'tests', 'integration', 'fixtures', 'drain-outbox-child.ts');

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('consortium transport over mutual TLS', () => {
  let ca: ConsortiumCa;
  let otherCa: ConsortiumCa;
  let institution: TestCredential;
  let serverCert: TestCredential;
  // Refused identities, made up front: key generation dominates the run time on two cores.
  let rogue: TestCredential;
  let expired: TestCredential;
  let revoked: TestCredential;
  let misnamed: TestCredential;
  let work: { path: string; remove(): void };
  let sandbox: S3Sandbox;
  const hooks: S3SandboxHooks = {};
  const identityOf = (c: TestCredential): MtlsClientIdentity => ({ privateKeyPem: c.privateKeyPem, certificatePem: c.certificatePem, caCertificatePem: ca.certificatePem });
  const storeFor = (target: S3Sandbox, overrides: Partial<ConsortiumObjectStoreOptions> = {}) =>
    new ConsortiumObjectStore({ endpoint: target.endpoint, bucket: BUCKET, identity: identityOf(institution), credentials: CREDENTIALS, retry: QUICK_RETRY, timeoutMs: 15_000, ...overrides });
  const startSandbox = (options: { server?: TestCredential; crlPem?: string; rootDir?: string; port?: number } = {}) =>
    startS3Sandbox({
      rootDir: options.rootDir ?? join(work.path, `store-${randomBytes(4).toString('hex')}`),
      tls: { keyPem: (options.server ?? serverCert).privateKeyPem, certPem: (options.server ?? serverCert).certificatePem, caPem: ca.certificatePem, ...(options.crlPem ? { crlPem: options.crlPem } : {}) },
      credentials: CREDENTIALS,
      hooks,
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
  async function refusal(promise: Promise<unknown>): Promise<ConsortiumStoreError> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ConsortiumStoreError, `expected a ConsortiumStoreError, got ${String(error)}`);
    return error;
  }

  before(async () => {
    work = tempDir('consortium-transport');
    [ca, otherCa] = await Promise.all([createTestCa(), createTestCa('Rogue Root CA')]);
    [institution, serverCert, rogue, expired, revoked, misnamed] = await Promise.all([
      enrolTestInstitution(ca),
      issueTestServer(ca),
      enrolTestInstitution(otherCa),
      enrolTestInstitution(ca, TEST_INSTITUTION, { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 30 * DAY) }),
      enrolTestInstitution(ca, { institutionId: 'inst-test-0003', name: 'Test Hospital Revoked', country: 'DE' }),
      issueTestServer(ca, { dnsNames: ['store.elsewhere.example'], ipAddresses: [] }),
    ]);
    sandbox = await startSandbox({ rootDir: join(work.path, 'main-store') });
    const store = storeFor(sandbox);
    await store.ensureBucket();
    store.close();
  });
  after(async () => {
    await sandbox.close();
    work.remove();
  });

  it('round-trips an object with metadata through the minio client over TLS 1.3 with a client certificate', async () => {
    const store = storeFor(sandbox);
    try {
      await store.ensureBucket();
      const key = 'updates/round-1/Résumé 1+1 (final).json';
      const bytes = Buffer.from(JSON.stringify({ weights: [0.25, -1.5], round: 1 }));
      const { etag } = await store.putObject(key, bytes, { round: '1', 'x-dataspace-uploader': 'CN=someone-else' });
      assert.equal(etag, md5(bytes));
      const stat = await store.statObject(key);
      assert.ok(stat);
      assert.equal(stat.size, bytes.length);
      assert.equal(stat.etag, md5(bytes));
      assert.equal(stat.metadata.round, '1');
      // The sandbox records the certificate that wrote the object; a client cannot claim another.
      assert.match(stat.metadata['x-dataspace-uploader'] ?? '', new RegExp(`^CN=${TEST_INSTITUTION.institutionId}; O=Test Hospital Alpha; serial=`));
      assert.deepEqual(await store.getObject(key), bytes);
      await store.putObject('updates/round-2/other.json', Buffer.from('{}'));
      const listed = await store.listObjects('updates/round-1/');
      assert.deepEqual(listed.map((o) => [o.key, o.size, o.etag]), [[key, bytes.length, md5(bytes)]]);
      assert.equal((await store.listObjects('updates/')).length, 2);
      await store.removeObject(key);
      assert.equal(await store.statObject(key), undefined);
      assert.deepEqual((await store.listObjects('updates/')).map((o) => o.key), ['updates/round-2/other.json']);
    } finally {
      store.close();
    }
  });

  it('pages ListObjectsV2 with continuation tokens and common prefixes, as the minio client reads them', async () => {
    const store = storeFor(sandbox);
    for (const key of ['pages/a/1', 'pages/a/2', 'pages/b', 'pages/c/1', 'pages/d']) await store.putObject(key, Buffer.from(key));
    store.close();
    const agent = new Agent({ ...createMtlsClientOptions(identityOf(institution)), keepAlive: false });
    const client = new MinioClient({ endPoint: '127.0.0.1', port: sandbox.endpoint.port, useSSL: true, region: 'us-east-1', pathStyle: true, ...CREDENTIALS, transportAgent: agent });
    const names = (page: { objects: { name?: string; prefix?: string }[] }) => page.objects.map((o) => o.name ?? o.prefix);
    try {
      const first = await client.listObjectsV2Query(BUCKET, 'pages/', '', '/', 2, '');
      assert.deepEqual([names(first), first.isTruncated], [['pages/b', 'pages/a/'], true]);
      const second = await client.listObjectsV2Query(BUCKET, 'pages/', first.nextContinuationToken, '/', 2, '');
      assert.deepEqual([names(second), second.isTruncated], [['pages/d', 'pages/c/'], false]);
      const flat = await client.listObjectsV2Query(BUCKET, 'pages/', '', '', 3, 'pages/a/1');
      assert.deepEqual([names(flat), flat.isTruncated], [['pages/a/2', 'pages/b', 'pages/c/1'], true]);
    } finally {
      agent.destroy();
    }
  });

  describe('refusals say which case they are', () => {
    it('no client certificate', async () => {
      const store = storeFor(sandbox, { identity: { ...identityOf(institution), privateKeyPem: '', certificatePem: '' } });
      const error = await refusal(store.putObject('x.json', Buffer.from('{}')));
      store.close();
      assert.equal(error.code, 'no-client-certificate');
      assert.equal(error.transient, false);
      assert.match(error.message, /requires a client certificate and none was presented/);
    });

    it('a client certificate from another CA', async () => {
      const store = storeFor(sandbox, { identity: identityOf(rogue) });
      const error = await refusal(store.statObject('x.json'));
      store.close();
      assert.equal(error.code, 'client-certificate-other-ca');
      assert.equal(error.transient, false);
      assert.match(error.message, /not issued by the consortium CA/);
    });

    it('an expired client certificate', async () => {
      const store = storeFor(sandbox, { identity: identityOf(expired) });
      const error = await refusal(store.statObject('x.json'));
      store.close();
      assert.equal(error.code, 'client-certificate-expired');
      assert.match(error.message, /has expired\. Renew it/);
    });

    it('a revoked client certificate, with and without the CRL on the node', async () => {
      const crlPem = createCertificateRevocationList(ca, [{ serialNumber: revoked.serialNumber, revokedAt: new Date() }], { crlNumber: 2 });
      const strict = await startSandbox({ crlPem });
      try {
        const withCrl = storeFor(strict, { identity: identityOf(revoked), crlPem });
        const known = await refusal(withCrl.statObject('x.json'));
        withCrl.close();
        assert.equal(known.code, 'client-certificate-revoked');
        assert.match(known.message, /revoked the institution certificate/);
        // Without the CRL the node cannot know why; the probe shows the store hangs up after the handshake.
        const withoutCrl = storeFor(strict, { identity: identityOf(revoked) });
        const guessed = await refusal(withoutCrl.statObject('x.json'));
        withoutCrl.close();
        assert.equal(guessed.code, 'client-certificate-rejected');
        assert.equal(guessed.transient, false);
        assert.match(guessed.message, /may have been revoked since the last CRL/);
        const colleague = storeFor(strict, { crlPem });
        await colleague.ensureBucket();
        colleague.close();
      } finally {
        await strict.close();
      }
    });

    it('a server certificate that does not name the endpoint host', async () => {
      const impostor = await startSandbox({ server: misnamed });
      try {
        const store = storeFor(impostor);
        const error = await refusal(store.ensureBucket());
        store.close();
        assert.equal(error.code, 'server-name-mismatch');
        assert.match(error.message, /does not name the host/);
      } finally {
        await impostor.close();
      }
    });

    it('a wrong secret key (SignatureDoesNotMatch) and an unknown access key', async () => {
      const wrongSecret = storeFor(sandbox, { credentials: { ...CREDENTIALS, secretKey: 'not-the-secret' } });
      const error = await refusal(wrongSecret.putObject('x.json', Buffer.from('{}')));
      wrongSecret.close();
      assert.equal(error.code, 'SignatureDoesNotMatch');
      assert.equal(error.transient, false);
      assert.match(error.message, /secret key configured for this node does not match its access key/);
      const unknownKey = storeFor(sandbox, { credentials: { ...CREDENTIALS, accessKey: 'DSNUNKNOWNKEY0000000' } });
      assert.equal((await refusal(unknownKey.getObject('x.json'))).code, 'InvalidAccessKeyId');
      unknownKey.close();
    });
  });

  it('tunnels through a CONNECT proxy with the client certificate still checked end to end', async () => {
    const proxy = await startConnectProxy('node-user', 'proxy-pass');
    const uploaders: string[] = [];
    hooks.onRequest = (event) => void uploaders.push(event.uploader);
    try {
      const store = storeFor(sandbox, { proxy: { url: proxy.url, username: 'node-user', password: 'proxy-pass' } });
      const bytes = randomBytes(64 * 1024);
      await store.putObject('proxied/update.bin', bytes, { via: 'proxy' });
      assert.deepEqual(await store.getObject('proxied/update.bin'), bytes);
      store.close();
      assert.ok(proxy.tunnels.length >= 1);
      assert.ok(proxy.tunnels.every((t) => t === `127.0.0.1:${sandbox.endpoint.port}`), proxy.tunnels.join());
      assert.ok(uploaders.length >= 2 && uploaders.every((u) => u.startsWith(`CN=${TEST_INSTITUTION.institutionId};`)));
      // Credentials may also come in the proxy URL; they never appear in a message.
      const badAuth = storeFor(sandbox, { proxy: { url: proxy.url.replace('http://', 'http://node-user:wrong-secret@') } });
      const error = await refusal(badAuth.statObject('proxied/update.bin'));
      badAuth.close();
      assert.equal(error.code, 'proxy-authentication');
      assert.equal(error.transient, false);
      assert.match(error.message, /407 Proxy Authentication Required/);
      assert.doesNotMatch(error.message, /wrong-secret/);
    } finally {
      delete hooks.onRequest;
      await proxy.close();
    }
  });

  it('retries a busy store (503 SlowDown) with backoff and gives up on a silent one at the deadline', async () => {
    const attempts: string[] = [];
    hooks.onRequest = (event) => {
      if (event.key !== 'busy/update.json') return undefined;
      attempts.push(event.method);
      if (attempts.length === 1) throw new S3SandboxError('SlowDown', 503, 'Please reduce your request rate.');
      if (event.method === 'HEAD') return new Promise<void>(() => undefined);
      return undefined;
    };
    const store = storeFor(sandbox, { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, timeoutMs: 400 });
    try {
      await store.putObject('busy/update.json', Buffer.from('{"round":3}'));
      assert.deepEqual(attempts, ['PUT', 'PUT'], 'one refusal, one retry');
      const started = Date.now();
      const error = await refusal(store.statObject('busy/update.json'));
      assert.equal(error.code, 'timeout');
      assert.equal(error.transient, true);
      assert.match(error.message, /did not complete statObject within 0.4 s/);
      assert.equal(attempts.filter((m) => m === 'HEAD').length, 3, 'each attempt had its own deadline');
      assert.ok(Date.now() - started < 5_000);
    } finally {
      delete hooks.onRequest;
      store.close();
    }
  });

  describe('the outbox', () => {
    let db: WritableDB;
    let databaseFile: string;
    const signer = () => ({ privateKeyPem: institution.privateKeyPem, certificateChainPem: [institution.certificatePem, ca.certificatePem] });
    const item = (objectKey: string, content: Buffer) => ({ objectKey, content, signature: signDetachedJws(content, signer(), { key: objectKey }), metadata: { round: '7' }, kind: 'model-update' });

    before(() => {
      databaseFile = join(work.path, 'outbox.sqlite');
      db = openWritable(databaseFile);
      // 0050 may or may not be registered in the shared list yet.
      migrate(db, migrations.some((m) => m.version === migration0050.version) ? migrations : [...migrations, migration0050]);
    });
    after(() => db.close());

    it('keeps an item pending while the store is down and uploads it once when it is back', async () => {
      const rootDir = join(work.path, 'outage-store');
      const first = await startSandbox({ rootDir });
      const { port } = first.endpoint;
      const setup = storeFor(first);
      await setup.ensureBucket();
      setup.close();
      await first.close();

      const outbox = new UploadOutbox(db);
      const content = Buffer.from(JSON.stringify({ gradient: [1, 2, 3] }));
      const queued = item('outage/update.json', content);
      assert.deepEqual(outbox.enqueue(queued), { id: 1, created: true });
      assert.equal(outbox.enqueue(item('outage/update.json', content)).created, false, 'same bytes twice is a no-op');
      assert.throws(() => outbox.enqueue(item('outage/update.json', Buffer.from('other'))), /already holds different content/);

      const store = storeFor(first);
      const down = await outbox.drain(store);
      assert.deepEqual({ ...down, stoppedBy: down.stoppedBy?.code }, { uploaded: 0, alreadyPresent: 0, failed: 1, pending: 1, stoppedBy: 'ECONNREFUSED' });
      assert.match(outbox.pending()[0]?.lastError ?? '', /^ECONNREFUSED: Cannot reach the consortium store/);
      assert.deepEqual(await outbox.drain(store), { uploaded: 0, alreadyPresent: 0, failed: 0, pending: 1 }, 'backing off');

      const puts: string[] = [];
      hooks.onRequest = (event) => void (event.method === 'PUT' && puts.push(event.key ?? ''));
      const second = await startSandbox({ rootDir, port });
      try {
        assert.deepEqual(await outbox.drain(store, { ignoreBackoff: true }), { uploaded: 1, alreadyPresent: 0, failed: 0, pending: 0 });
        assert.deepEqual(await outbox.drain(store, { ignoreBackoff: true }), { uploaded: 0, alreadyPresent: 0, failed: 0, pending: 0 });
        assert.deepEqual(puts, ['outage/update.json.jws', 'outage/update.json']);
        assert.deepEqual((await store.listObjects('outage/')).map((o) => o.key), ['outage/update.json', 'outage/update.json.jws']);
        assert.deepEqual(await store.getObject('outage/update.json'), content);
        assert.equal((await store.getObject('outage/update.json.jws')).toString(), queued.signature);
        const [entry] = outbox.history(1);
        assert.equal(entry?.attempts, 2);
        assert.equal(entry?.sha256, sha256(content));
        assert.equal(entry?.etag, md5(content));
        assert.ok(entry?.uploadedAt);
      } finally {
        delete hooks.onRequest;
        store.close();
        await second.close();
      }
    });

    /** Drains the outbox in a child process that the sandbox hook SIGKILLs; resolves once it is dead. */
    async function drainInChildKilledAt(point: 'request' | 'stored', key: string): Promise<string | undefined> {
      const configFile = join(work.path, `child-${point}.json`);
      const store: ConsortiumObjectStoreOptions = { endpoint: sandbox.endpoint, bucket: BUCKET, identity: identityOf(institution), credentials: CREDENTIALS, retry: QUICK_RETRY };
      writeFileSync(configFile, JSON.stringify({ databaseFile, store }));
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      const kill = async () => {
        child.kill('SIGKILL');
        await exited;
      };
      // The sandbox has finished with the killed PUT (stored it, or discarded the cut-off body).
      const putDone = new Promise<string | undefined>((resolve) => {
        hooks.onRequestDone = (e) => void (e.method === 'PUT' && e.key === key && resolve(e.errorCode));
      });
      if (point === 'request') hooks.onRequest = (e) => (e.method === 'PUT' && e.key === key ? kill() : undefined);
      else hooks.onObjectStored = (e) => (e.key === key ? kill() : undefined);
      try {
        assert.equal(await exited, 'SIGKILL', `the child should have been killed, it printed: ${output}`);
        return await putDone;
      } finally {
        delete hooks.onRequest;
        delete hooks.onObjectStored;
        delete hooks.onRequestDone;
      }
    }

    it('recovers from a process killed in the middle of a PUT: the object is uploaded once, whole', async () => {
      const outbox = new UploadOutbox(db);
      const key = 'crash/mid-upload.bin';
      const content = randomBytes(8 * 1024 * 1024);
      outbox.enqueue(item(key, content));
      assert.equal(await drainInChildKilledAt('request', key), 'ClientGone');
      const store = storeFor(sandbox);
      try {
        assert.equal(await store.statObject(key), undefined, 'a cut-off body is never committed');
        assert.deepEqual(readdirSync(join(work.path, 'main-store', '.tmp')), [], 'no partial file is left behind');
        assert.equal(outbox.pending().find((e) => e.objectKey === key)?.attempts, 1);
        const result = await outbox.drain(store);
        assert.deepEqual(result, { uploaded: 1, alreadyPresent: 0, failed: 0, pending: 0 });
        assert.deepEqual(await store.getObject(key), content);
        assert.deepEqual((await store.listObjects('crash/')).map((o) => o.key), [key, `${key}.jws`]);
        const entry = outbox.history(10).find((e) => e.objectKey === key);
        assert.equal(entry?.attempts, 2);
        assert.ok(entry?.uploadedAt);
      } finally {
        store.close();
      }
    });

    it('recognises an object the store kept before the crash and does not send it again', async () => {
      const outbox = new UploadOutbox(db);
      const key = 'crash/stored-not-committed.bin';
      const content = randomBytes(512 * 1024);
      outbox.enqueue(item(key, content));
      assert.equal(await drainInChildKilledAt('stored', key), undefined, 'stored and answered 200, to nobody');
      assert.equal(outbox.pending().find((e) => e.objectKey === key)?.uploadedAt, null, 'the child died before its commit');
      const puts: string[] = [];
      hooks.onRequest = (event) => void (event.method === 'PUT' && puts.push(event.key ?? ''));
      const store = storeFor(sandbox);
      try {
        assert.deepEqual(await outbox.drain(store), { uploaded: 0, alreadyPresent: 1, failed: 0, pending: 0 });
        assert.deepEqual(puts, [], 'neither the object nor its signature was sent again');
        assert.deepEqual(await store.getObject(key), content);
        assert.equal(outbox.history(1)[0]?.etag, md5(content));
        assert.ok(existsSync(join(work.path, 'main-store', BUCKET, 'crash', 'stored-not-committed.bin')));
      } finally {
        delete hooks.onRequest;
        store.close();
      }
    });
  });
});
