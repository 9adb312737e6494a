// The consortium on the command line, as IT scripts it: `dataspace ca init` stands up a CA, a node
// enrols with `dataspace enrol` (key and CSR made on the node, certificate imported back), the CA
// revokes it, signs a model and a request into the bucket layout, and the node's copies verify.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../main/host/cli.ts';
import { parseCertificateRevocationList } from '../../main/pki/certificate-revocation-list.ts';
import { modelFolder, requestKey } from '../../main/sync/consortium-layout.ts';
import { verifyConsortiumRequest } from '../../main/sync/consortium-request.ts';
import { verifySignedModel } from '../../main/sync/signed-model.ts';
import { tempDir } from './helpers.ts';

let work: { path: string; remove(): void };
let previousPassphrase: string | undefined;

async function cli(args: string[]): Promise<{ code: number; json: Record<string, unknown>; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--json'], { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, json: out.length > 0 ? (JSON.parse(out.join('\n')) as Record<string, unknown>) : {}, err: err.join('\n') };
}

before(() => {
  work = tempDir('consortium-cli');
  previousPassphrase = process.env.DATASPACE_PASSPHRASE;
  process.env.DATASPACE_PASSPHRASE = 'cli-consortium-passphrase';
});
after(() => {
  if (previousPassphrase === undefined) delete process.env.DATASPACE_PASSPHRASE;
  else process.env.DATASPACE_PASSPHRASE = previousPassphrase;
  work.remove();
});

describe('consortium CLI', () => {
  it('stands up a CA, enrols a node from its own CSR, revokes it and signs objects the node verifies', async () => {
    const caDir = join(work.path, 'ca');
    const dataDir = join(work.path, 'node');
    const init = await cli(['ca', 'init', '--ca-dir', caDir, '--name', 'Test Consortium', '--country', 'DE']);
    assert.equal(init.code, 0, init.err);
    assert.match(String(init.json.fingerprint256), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal((await cli(['ca', 'init', '--ca-dir', caDir, '--name', 'X', '--country', 'DE'])).code, 1, 'an existing CA is never overwritten');

    assert.equal((await cli(['init', '--data-dir', dataDir, '--institution-id', 'clinic-a', '--name', 'Clinic A'])).code, 0);
    const csr = await cli(['enrol', '--data-dir', dataDir, '--country', 'DE']);
    assert.equal(csr.code, 0, csr.err);
    const csrFile = join(work.path, 'clinic-a.csr');
    writeFileSync(csrFile, String(csr.json.csrPem));
    const certFile = join(work.path, 'clinic-a.pem');
    const signed = await cli(['ca', 'sign-csr', csrFile, '--ca-dir', caDir, '--institution-id', 'clinic-a', '--name', 'Clinic A', '--country', 'DE', '--out', certFile]);
    assert.equal(signed.code, 0, signed.err);
    const caCert = join(caDir, 'ca', 'ca-certificate.pem');
    const enrolled = await cli(['enrol', '--data-dir', dataDir, '--certificate', certFile, '--chain', caCert]);
    assert.equal(enrolled.code, 0, enrolled.err);
    const status = (await cli(['consortium', 'status', '--data-dir', dataDir])).json.status as { enrolment: string; certificate: { daysLeft: number } };
    assert.equal(status.enrolment, 'enrolled');
    assert.ok(status.certificate.daysLeft > 300);

    // A certificate for another institution is refused by the node.
    const otherCert = join(work.path, 'other.pem');
    assert.equal((await cli(['ca', 'sign-csr', csrFile, '--ca-dir', caDir, '--institution-id', 'clinic-b', '--name', 'Clinic B', '--country', 'DE', '--out', otherCert])).code, 1, 'the CSR names clinic-a');

    const revoked = await cli(['ca', 'revoke', certFile, '--ca-dir', caDir]);
    assert.equal(revoked.code, 0, revoked.err);
    const crl = parseCertificateRevocationList(readFileSync(join(caDir, 'ca', 'crl.pem'), 'utf8'), readFileSync(caCert, 'utf8'));
    assert.equal(crl.revokedSerials.size, 1);
    assert.equal(crl.crlNumber, 2);

    const out = join(work.path, 'bucket');
    const model = join('models', 'readmission-30d-baseline.onnx');
    const card = join('models', 'readmission-30d-baseline.card.json');
    assert.equal((await cli(['ca', 'sign-model', model, '--card', card, '--model-id', 'readmission-global', '--version', '4', '--out-dir', out, '--ca-dir', caDir])).code, 0);
    const folder = join(out, modelFolder('readmission-global', 4));
    const trust = { caCertificatePem: readFileSync(caCert, 'utf8') };
    const manifest = verifySignedModel(readFileSync(join(folder, 'model.onnx')), { manifestJson: readFileSync(join(folder, 'manifest.json'), 'utf8'), signature: readFileSync(join(folder, 'manifest.json.jws'), 'utf8') }, trust, { expectedModelId: 'readmission-global', highestVersionSeen: 3 });
    assert.equal(manifest.version, 4);

    const requestFile = join(work.path, 'request.json');
    const now = Date.now();
    writeFileSync(requestFile, JSON.stringify({ kind: 'aggregate-statistics', sequence: 7, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 3_600_000).toISOString(), body: { round: 'round-7' } }));
    assert.equal((await cli(['ca', 'sign-request', requestFile, '--out-dir', out, '--ca-dir', caDir])).code, 0);
    const request = verifyConsortiumRequest({ requestJson: readFileSync(join(out, requestKey(7)), 'utf8'), signature: readFileSync(join(out, `${requestKey(7)}.jws`), 'utf8') }, trust, { highestSequenceSeen: 6 });
    assert.equal(request.sequence, 7);
  });
});
