// Integration: a real HTTPS server on 127.0.0.1 that requires consortium client certificates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createServer, request } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Client as MinioClient } from 'minio';
import type { ConsortiumCa } from '../pki/consortium-ca.ts';
import { createCertificateRevocationList } from '../pki/certificate-revocation-list.ts';
import { TEST_INSTITUTION, createTestCa, enrolTestInstitution, issueTestServer } from '../pki/consortium-test-fixture.ts';
import type { TestCredential } from '../pki/consortium-test-fixture.ts';
import { createMtlsClientOptions, createMtlsServerOptions, explainMtlsFailure } from './mtls-client-options.ts';
import type { MtlsClientOptions } from './mtls-client-options.ts';

const DAY = 86_400_000;

async function startStore(server: TestCredential, ca: ConsortiumCa, crlPem?: string): Promise<{ port: number; close(): Promise<void> }> {
  const https: Server = createServer(
    createMtlsServerOptions({ privateKeyPem: server.privateKeyPem, certificatePem: server.certificatePem, caCertificatePem: ca.certificatePem, crlPem }),
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      res.end(JSON.stringify({ institution: peer.subject.CN, protocol: (req.socket as TLSSocket).getProtocol() }));
    },
  );
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  return {
    port: (https.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        https.closeAllConnections();
        https.close(() => resolve());
      }),
  };
}

function get(port: number, options: MtlsClientOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ ...options, host: '127.0.0.1', port, path: '/', method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function refusal(port: number, options: MtlsClientOptions, diagnose?: Parameters<typeof explainMtlsFailure>[1]): Promise<string> {
  try {
    await get(port, options);
  } catch (error) {
    return explainMtlsFailure(error, diagnose).reason;
  }
  return 'connected';
}

describe('mutual TLS to the consortium store', () => {
  let ca: ConsortiumCa;
  let otherCa: ConsortiumCa;
  let institution: TestCredential;
  let serverCert: TestCredential;
  let store: { port: number; close(): Promise<void> };
  const identityOf = (c: TestCredential, trustCa: ConsortiumCa = ca) => ({
    privateKeyPem: c.privateKeyPem,
    certificatePem: c.certificatePem,
    caCertificatePem: trustCa.certificatePem,
  });

  before(async () => {
    [ca, otherCa] = await Promise.all([createTestCa(), createTestCa('Rogue Root CA')]);
    [institution, serverCert] = await Promise.all([enrolTestInstitution(ca), issueTestServer(ca)]);
    store = await startStore(serverCert, ca);
  });
  after(async () => store.close());

  it('connects over TLS 1.3 with a valid institution certificate', async () => {
    const body = JSON.parse(await get(store.port, createMtlsClientOptions(identityOf(institution)))) as { institution: string; protocol: string };
    assert.deepEqual(body, { institution: TEST_INSTITUTION.institutionId, protocol: 'TLSv1.3' });
  });

  it('works through an https.Agent (what the minio client takes as transportAgent)', async () => {
    const agent = new Agent({ ...createMtlsClientOptions(identityOf(institution)), keepAlive: false });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port: store.port, path: '/', agent }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve(text));
        }).on('error', reject).end();
      });
      assert.match(body, /inst-test-0001/);
    } finally {
      agent.destroy();
    }
  });

  it('carries the minio S3 client through the mTLS agent (transportAgent)', async () => {
    const agent = new Agent({ ...createMtlsClientOptions(identityOf(institution)), keepAlive: false });
    const s3 = (transportAgent: Agent) =>
      new MinioClient({ endPoint: '127.0.0.1', port: store.port, useSSL: true, region: 'us-east-1', accessKey: 'test-access', secretKey: 'test-secret-key', transportAgent });
    try {
      // HEAD /consortium answered 200 by the test store, reached only with a client certificate.
      assert.equal(await s3(agent).bucketExists('consortium'), true);
      const { key: _key, cert: _cert, ...anonymous } = createMtlsClientOptions(identityOf(institution));
      const bare = new Agent({ ...anonymous, keepAlive: false });
      await assert.rejects(s3(bare).bucketExists('consortium'), (error) => explainMtlsFailure(error).reason === 'no-client-certificate');
      bare.destroy();
    } finally {
      agent.destroy();
    }
  });

  it('is refused without a client certificate', async () => {
    const { key: _key, cert: _cert, ...anonymous } = createMtlsClientOptions(identityOf(institution));
    assert.equal(await refusal(store.port, anonymous), 'no-client-certificate');
  });

  it('is refused with a certificate from another CA', async () => {
    const rogue = await enrolTestInstitution(otherCa);
    const identity = identityOf(rogue);
    assert.equal(await refusal(store.port, createMtlsClientOptions(identity), { identity }), 'client-certificate-other-ca');
  });

  it('is refused with an expired certificate', async () => {
    const expired = await enrolTestInstitution(ca, TEST_INSTITUTION, {
      notBefore: new Date(Date.now() - 400 * DAY),
      notAfter: new Date(Date.now() - 30 * DAY),
    });
    const identity = identityOf(expired);
    assert.equal(await refusal(store.port, createMtlsClientOptions(identity), { identity }), 'client-certificate-expired');
  });

  it('is refused with a revoked certificate when the server checks the CRL', async () => {
    const crlPem = createCertificateRevocationList(ca, [{ serialNumber: institution.serialNumber, revokedAt: new Date() }], { crlNumber: 2 });
    const strictStore = await startStore(serverCert, ca, crlPem);
    try {
      const identity = identityOf(institution);
      assert.equal(await refusal(strictStore.port, createMtlsClientOptions(identity)), 'network', 'the reset alone says nothing');
      assert.equal(await refusal(strictStore.port, createMtlsClientOptions(identity), { identity }), 'client-certificate-rejected');
      assert.equal(await refusal(strictStore.port, createMtlsClientOptions(identity), { identity, crlPem }), 'client-certificate-revoked');
      const colleague = await enrolTestInstitution(ca, { institutionId: 'inst-test-0002', name: 'Test Hospital Beta', country: 'FR' });
      assert.match(await get(strictStore.port, createMtlsClientOptions(identityOf(colleague))), /inst-test-0002/);
    } finally {
      await strictStore.close();
    }
  });

  it('refuses a server whose certificate does not name the host', async () => {
    const misnamed = await issueTestServer(ca, { dnsNames: ['store.elsewhere.example'], ipAddresses: [] });
    const impostor = await startStore(misnamed, ca);
    try {
      assert.equal(await refusal(impostor.port, createMtlsClientOptions(identityOf(institution))), 'server-name-mismatch');
    } finally {
      await impostor.close();
    }
  });

  it('refuses a server presenting a client certificate, and one from another CA', async () => {
    const colleague = await enrolTestInstitution(ca, { institutionId: 'localhost', name: 'Posing As Store', country: 'CA' });
    const posing = await startStore(colleague, ca);
    const rogueServer = await issueTestServer(otherCa);
    const rogue = await startStore(rogueServer, ca);
    try {
      // The colleague's CN is "localhost" and it has no SAN, so only the purpose check stops it.
      const options = { ...createMtlsClientOptions(identityOf(institution)), servername: 'localhost' };
      const reasonPosing = await new Promise<string>((resolve) => {
        request({ ...options, host: 'localhost', port: posing.port, agent: false }, () => resolve('connected'))
          .on('error', (e) => resolve(explainMtlsFailure(e).reason))
          .end();
      });
      assert.equal(reasonPosing, 'server-wrong-usage');
      assert.equal(await refusal(rogue.port, createMtlsClientOptions(identityOf(institution))), 'server-other-ca');
    } finally {
      await posing.close();
      await rogue.close();
    }
  });
});
