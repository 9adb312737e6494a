// Integration: `dataspace consortium sandbox` builds a consortium in a folder, serves it over mutual
// TLS, prints what a node needs to enrol, stops on request and reuses the folder the next time.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { runConsortiumSandboxCommand } from '../../main/host/cli-consortium-sandbox.ts';
import type { SandboxEnrolment } from '../../main/host/cli-consortium-sandbox.ts';
import { revokeCertificate } from '../../main/pki/certificate-revocation-list.ts';
import type { RevocationState } from '../../main/pki/certificate-revocation-list.ts';
import { importInstitutionPkcs12 } from '../../main/pki/institution-identity.ts';
import { ConsortiumObjectStore } from '../../main/sync/consortium-object-store.ts';
import { tempDir } from './helpers.ts';

interface RunningSandbox {
  enrolment: SandboxEnrolment;
  errors: string[];
  stop(): Promise<number>;
}

/** Starts the command and resolves once it has printed its enrolment JSON. */
async function startCommand(args: string[]): Promise<RunningSandbox> {
  const controller = new AbortController();
  const errors: string[] = [];
  let printed: (text: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (printed = resolve));
  const exit = runConsortiumSandboxCommand(args, { json: true, signal: controller.signal, keyBits: 2048 }, { out: (t) => printed(t), err: (t) => errors.push(t) });
  const line = await Promise.race([firstLine, exit.then((code) => `{"exited":${code}}`)]);
  const parsed = JSON.parse(line) as SandboxEnrolment & { error?: unknown; exited?: number };
  assert.ok(!parsed.error && parsed.exited === undefined, `the sandbox did not start: ${line} ${errors.join('\n')}`);
  return {
    enrolment: parsed,
    errors,
    stop: () => {
      controller.abort();
      return exit;
    },
  };
}

describe('dataspace consortium sandbox', () => {
  let work: { path: string; remove(): void };
  before(() => {
    work = tempDir('consortium-sandbox-cli');
  });
  after(() => work.remove());

  it('prints an enrolment that a node can use over mutual TLS, then stops when asked', async () => {
    const running = await startCommand(['--dir', work.path, '--port', '0', '--institutions', 'alpha,beta']);
    const { enrolment } = running;
    try {
      assert.equal(enrolment.endpoint.host, '127.0.0.1');
      assert.ok(enrolment.endpoint.port > 0);
      assert.deepEqual(enrolment.institutions.map((i) => i.institutionId), ['alpha', 'beta']);
      assert.match(enrolment.caFingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const alpha = enrolment.institutions[0]!;
      // The PKCS#12 bundle opens with the printed password and pins to the printed fingerprint.
      const fromBundle = importInstitutionPkcs12(readFileSync(alpha.pkcs12Path), alpha.pkcs12Password, enrolment.caFingerprint256);
      assert.equal(fromBundle.institutionId, 'alpha');
      const store = new ConsortiumObjectStore({
        endpoint: enrolment.endpoint,
        bucket: enrolment.bucket,
        identity: { privateKeyPem: readFileSync(alpha.privateKeyPath, 'utf8'), certificatePem: readFileSync(alpha.certificatePath, 'utf8'), caCertificatePem: readFileSync(enrolment.caCertificatePath, 'utf8') },
        credentials: enrolment.credentials,
        crlPem: readFileSync(enrolment.crlPath, 'utf8'),
        retry: { attempts: 1 },
      });
      try {
        await store.putObject('hello/alpha.txt', Buffer.from('hello from alpha'));
        const stat = await store.statObject('hello/alpha.txt');
        assert.match(stat?.metadata['x-dataspace-uploader'] ?? '', /^CN=alpha; O=Sandbox alpha;/);
      } finally {
        store.close();
      }
    } finally {
      assert.equal(await running.stop(), 0);
    }
    assert.deepEqual(running.errors, []);
  });

  it('reuses the consortium in the folder on the next run and honours a revocation made in between', async () => {
    const first = JSON.parse(readFileSync(`${work.path}/credentials.json`, 'utf8')) as { accessKey: string };
    const caBefore = readFileSync(`${work.path}/ca/ca-certificate.pem`, 'utf8');
    const alphaBefore = readFileSync(`${work.path}/institutions/alpha/certificate.pem`, 'utf8');
    // What `dataspace ca revoke` does: the next CRL from the shared revocation state.
    const state = JSON.parse(readFileSync(`${work.path}/ca/revocations.json`, 'utf8')) as RevocationState;
    assert.equal(state.crlNumber, 1);
    const betaCertificatePem = readFileSync(`${work.path}/institutions/beta/certificate.pem`, 'utf8');
    const ca = { certificatePem: caBefore, privateKeyPem: readFileSync(`${work.path}/ca/ca-key.pem`, 'utf8') };
    const revoked = revokeCertificate(ca, state, new X509Certificate(betaCertificatePem).serialNumber);
    writeFileSync(`${work.path}/ca/crl.pem`, revoked.crlPem);
    writeFileSync(`${work.path}/ca/revocations.json`, JSON.stringify(revoked.state));
    const running = await startCommand(['--dir', work.path, '--port', '0', '--institutions', 'alpha,gamma']);
    try {
      const beta = new ConsortiumObjectStore({
        endpoint: running.enrolment.endpoint,
        bucket: running.enrolment.bucket,
        identity: { privateKeyPem: readFileSync(`${work.path}/institutions/beta/key.pem`, 'utf8'), certificatePem: betaCertificatePem, caCertificatePem: caBefore },
        credentials: running.enrolment.credentials,
        crlPem: revoked.crlPem,
        retry: { attempts: 1 },
      });
      await assert.rejects(beta.statObject('hello/alpha.txt'), { code: 'client-certificate-revoked' });
      beta.close();
      assert.equal(running.enrolment.credentials.accessKey, first.accessKey);
      assert.equal(readFileSync(running.enrolment.caCertificatePath, 'utf8'), caBefore);
      assert.equal(readFileSync(running.enrolment.institutions[0]!.certificatePath, 'utf8'), alphaBefore);
      assert.deepEqual(running.enrolment.institutions.map((i) => i.institutionId), ['alpha', 'gamma']);
      const store = new ConsortiumObjectStore({
        endpoint: running.enrolment.endpoint,
        bucket: running.enrolment.bucket,
        identity: {
          privateKeyPem: readFileSync(running.enrolment.institutions[1]!.privateKeyPath, 'utf8'),
          certificatePem: readFileSync(running.enrolment.institutions[1]!.certificatePath, 'utf8'),
          caCertificatePem: caBefore,
        },
        credentials: running.enrolment.credentials,
        retry: { attempts: 1 },
      });
      try {
        assert.deepEqual(await store.getObject('hello/alpha.txt'), Buffer.from('hello from alpha'), 'objects survive a restart');
      } finally {
        store.close();
      }
    } finally {
      assert.equal(await running.stop(), 0);
    }
  });

  it('refuses bad options with a usage message and exit code 1', async () => {
    const out: string[] = [];
    const code = await runConsortiumSandboxCommand(['--port', 'http'], { json: true }, { out: (t) => out.push(t), err: () => undefined });
    assert.equal(code, 1);
    assert.match(out[0] ?? '', /"code":"invalid-option"/);
  });
});
