// `dataspace enrol | sync | requests | releases | consortium status|endpoint`: the node's side of
// the consortium for scripted installs and scheduled syncs. Secrets come from the environment or
// files, never from the command line (it is visible to every user in the process list).
import { readFileSync } from 'node:fs';
import type { ConsortiumRequestSummary, ConsortiumStatus } from '../api/contract.ts';
import type { Engine } from '../engine.ts';
import { InvalidInputError } from '../util/errors.ts';
import type { CliIo } from './cli.ts';

/** Flags the consortium commands read. */
export interface ConsortiumCliOptions {
  country?: string;
  certificate?: string;
  chain?: string;
  pkcs12?: string;
  url?: string;
  bucket?: string;
  'access-key'?: string;
  proxy?: string;
  'approve-policy'?: boolean;
  reason?: string;
}

function describeStatus(s: ConsortiumStatus): string {
  const lines = [`Enrolment: ${s.enrolment}`];
  if (s.certificate) lines.push(`Certificate: ${s.certificate.subject}, expires ${s.certificate.notAfter} (${s.certificate.daysLeft} days)${s.certificate.renewSoon ? ' — RENEW: create a new CSR' : ''}`);
  if (s.ca) lines.push(`Consortium CA: ${s.ca.subject} (${s.ca.fingerprint256})`);
  lines.push(s.endpoint ? `Endpoint: ${s.endpoint.url} bucket ${s.endpoint.bucket}${s.endpoint.proxyUrl ? ` via ${s.endpoint.proxyUrl}` : ''}` : 'Endpoint: not configured');
  lines.push(`Outbox: ${s.outbox.pending} pending, ${s.outbox.uploaded} uploaded${s.outbox.lastError ? ` (last error: ${s.outbox.lastError})` : ''}`);
  lines.push(`Disclosure policy ${s.policy.version}: minimum cell ${s.policy.minimumCellSize}, noise ${s.policy.noise}, ε spent ${s.policy.epsilonSpent} of ${s.policy.totalEpsilon}, unattended approval ${s.policy.unattendedApproval ? 'allowed' : 'off'}`);
  if (s.lastSync) lines.push(`Last sync: ${s.lastSync.state} at ${s.lastSync.finishedAt ?? s.lastSync.startedAt}`);
  return lines.join('\n');
}

const describeRequest = (r: ConsortiumRequestSummary) =>
  `#${r.sequence}  ${r.state.padEnd(14)} ${r.round ?? '-'}  ${r.kind}  ${r.payloadBytes ?? '-'} bytes  ${r.payloadSha256?.slice(0, 16) ?? ''}${r.refusal ? `  ${r.refusal}` : ''}`;

/** `dataspace enrol --country CC` (prints a CSR) or `--certificate CERT.pem [--chain CA.pem]` or `--pkcs12 FILE.p12` (password in $DATASPACE_PKCS12_PASSWORD). */
export async function runEnrolCommand(engine: Engine, values: ConsortiumCliOptions, json: boolean, io: CliIo): Promise<number> {
  if (values.certificate || values.pkcs12) {
    const status = await engine.importEnrolment(
      values.pkcs12
        ? { pkcs12Base64: readFileSync(values.pkcs12).toString('base64'), password: process.env.DATASPACE_PKCS12_PASSWORD ?? '' }
        : { certificatePem: readFileSync(values.certificate!, 'utf8'), ...(values.chain ? { chainPem: readFileSync(values.chain, 'utf8') } : {}) },
    );
    io.out(json ? JSON.stringify({ status }) : describeStatus(status));
    return 0;
  }
  if (!values.country) throw new InvalidInputError('enrol needs --country CC (to create a CSR) or --certificate/--pkcs12 (to import the signed certificate).', 'invalid-option');
  const { csrPem } = await engine.createEnrolmentRequest({ country: values.country });
  io.out(json ? JSON.stringify({ csrPem }) : `${csrPem.trim()}\n\nSend this CSR to the consortium CA; the private key stays on this workstation, encrypted.`);
  return 0;
}

/** `dataspace sync [--approve-policy]`: one sync; with --approve-policy, releases the local policy allows to go unattended are approved. */
export async function runSyncCommand(engine: Engine, values: ConsortiumCliOptions, json: boolean, io: CliIo): Promise<number> {
  const { taskId } = await engine.startSync({ approvePolicy: values['approve-policy'] ?? false });
  const onSignal = () => void engine.cancelTask({ taskId });
  process.once('SIGINT', onSignal);
  try {
    const task = await engine.waitForTask(taskId);
    if (json) io.out(JSON.stringify({ task }));
    if (task.state !== 'done') {
      if (!json) io.err(`Sync ${task.state}: ${task.error?.message ?? ''}`);
      return task.state === 'cancelled' ? 130 : 1;
    }
    if (!json && task.result?.type === 'sync') {
      const run = task.result.run;
      io.out(`Sync done: ${run.requestsReceived} requests received, ${run.releasesUploaded} releases uploaded, ${run.modelsRegistered} models registered as candidates`);
      for (const o of run.objects) io.out(`  ${o.direction === 'up' ? '↑' : '↓'} ${o.key}  ${o.bytes} bytes  sha256 ${o.sha256}`);
      if (run.error) io.out(`Warnings:\n${run.error}`);
      const pending = (await engine.listConsortiumRequests()).requests.filter((r) => r.state === 'pending-review');
      if (pending.length > 0) io.out(`${pending.length} release(s) await review: dataspace requests`);
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

/** `dataspace requests [show N | approve N | reject N --reason TEXT]`. */
export async function runRequestsCommand(engine: Engine, args: string[], values: ConsortiumCliOptions, json: boolean, io: CliIo): Promise<number> {
  const [sub = 'list', n] = args;
  if (sub === 'list') {
    const { requests } = await engine.listConsortiumRequests();
    io.out(json ? JSON.stringify({ requests }) : requests.map(describeRequest).join('\n') || 'No consortium requests.');
    return 0;
  }
  const sequence = Number(n);
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new InvalidInputError(`requests ${sub} needs a request number.`, 'invalid-option');
  if (sub === 'show') {
    const request = (await engine.listConsortiumRequests()).requests.find((r) => r.sequence === sequence);
    if (!request) throw new InvalidInputError(`No consortium request ${sequence}.`, 'request-not-found');
    if (json) io.out(JSON.stringify({ request }));
    else {
      io.out(describeRequest(request));
      for (const c of request.checks) io.out(`  ${c.passed ? '✓' : '✗'} ${c.message}`);
      io.out(`What leaves (exactly these bytes):\n${request.payloadJson ?? '(nothing: refused)'}`);
    }
    return 0;
  }
  if (sub === 'approve' || sub === 'reject') {
    const request = await engine.decideRelease({ sequence, approve: sub === 'approve', ...(values.reason ? { reason: values.reason } : {}) });
    io.out(json ? JSON.stringify({ request }) : describeRequest(request));
    return 0;
  }
  io.err('Usage: dataspace requests [list] | show N | approve N | reject N [--reason TEXT]');
  return 2;
}

/** `dataspace releases`: what this node has released (uploaded or queued), with hashes. */
export async function runReleasesCommand(engine: Engine, json: boolean, io: CliIo): Promise<number> {
  const releases = (await engine.listConsortiumRequests()).requests.filter((r) => r.state === 'uploaded' || r.state === 'approved');
  if (json) io.out(JSON.stringify({ releases }));
  else io.out(releases.map(describeRequest).join('\n') || 'Nothing released yet.');
  return 0;
}

/** `dataspace consortium status | endpoint --url URL --bucket B --access-key K [--proxy URL]` (secret in $DATASPACE_CONSORTIUM_SECRET). */
export async function runConsortiumNodeCommand(engine: Engine, args: string[], values: ConsortiumCliOptions, json: boolean, io: CliIo): Promise<number> {
  const [sub = 'status'] = args;
  if (sub === 'status') {
    const status = await engine.getConsortiumStatus();
    io.out(json ? JSON.stringify({ status }) : describeStatus(status));
    return 0;
  }
  if (sub === 'endpoint') {
    const secretKey = process.env.DATASPACE_CONSORTIUM_SECRET;
    if (!values.url || !values.bucket || !values['access-key'] || !secretKey) {
      throw new InvalidInputError('consortium endpoint needs --url, --bucket, --access-key and the secret key in $DATASPACE_CONSORTIUM_SECRET.', 'invalid-option');
    }
    const status = await engine.setConsortiumEndpoint({ url: values.url, bucket: values.bucket, accessKey: values['access-key'], secretKey, ...(values.proxy ? { proxyUrl: values.proxy } : {}) });
    io.out(json ? JSON.stringify({ status }) : describeStatus(status));
    return 0;
  }
  io.err('Usage: dataspace consortium status | consortium endpoint ... | consortium sandbox ...');
  return 2;
}
