// The app:// handler serves only files under renderer/dist, each with the CSP, on real files.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { APP_ENTRY_URL, CONTENT_SECURITY_POLICY, resolveAppAsset } from '../../electron/app-protocol.ts';

describe('app:// protocol', () => {
  let work: string;
  let dist: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'dataspace-protocol-'));
    dist = join(work, 'renderer', 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>DataSpace Node</title>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("ui")');
    writeFileSync(join(dist, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(work, 'secret.txt'), 'PATIENT-MARKER-ZZQ');
    symlinkSync(join(work, 'secret.txt'), join(dist, 'assets', 'linked.txt'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('serves index.html with the CSP and hardening headers', async () => {
    const response = await resolveAppAsset(dist, APP_ENTRY_URL);
    assert.equal(response.status, 200);
    assert.equal(response.headers['Content-Type'], 'text/html; charset=utf-8');
    assert.equal(response.headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
    assert.equal(response.headers['X-Content-Type-Options'], 'nosniff');
    assert.match(response.body!.toString(), /DataSpace Node/);
  });

  it('serves scripts and styles with their types, and index.html for the bare origin', async () => {
    const script = await resolveAppAsset(dist, 'app://dataspace/assets/index-abc123.js');
    assert.equal(script.status, 200);
    assert.equal(script.headers['Content-Type'], 'text/javascript; charset=utf-8');
    const style = await resolveAppAsset(dist, 'app://dataspace/assets/index-abc123.css');
    assert.equal(style.headers['Content-Type'], 'text/css; charset=utf-8');
    const bare = await resolveAppAsset(dist, 'app://dataspace/');
    assert.match(bare.body!.toString(), /<title>/);
  });

  it('answers a client-side route with index.html but a missing asset with 404', async () => {
    assert.match((await resolveAppAsset(dist, 'app://dataspace/patients')).body!.toString(), /<title>/);
    assert.equal((await resolveAppAsset(dist, 'app://dataspace/assets/missing.js')).status, 404);
  });

  it('never serves a file outside renderer/dist, however the path is spelled', async () => {
    for (const url of [
      'app://dataspace/../secret.txt',
      'app://dataspace/%2e%2e/secret.txt',
      'app://dataspace/assets/%2e%2e/%2e%2e/secret.txt',
      'app://dataspace/..%2fsecret.txt',
      'app://dataspace/..%5csecret.txt',
      'app://dataspace/assets/linked.txt',
      'app://dataspace/%00index.html',
      'app://dataspace/%E0%A4%A',
    ]) {
      const response = await resolveAppAsset(dist, url);
      assert.notEqual(response.status, 200, url);
      assert.doesNotMatch(response.body?.toString() ?? '', /PATIENT-MARKER-ZZQ/, url);
    }
  });

  it('serves only its own host and only reads', async () => {
    assert.equal((await resolveAppAsset(dist, 'app://other/index.html')).status, 404);
    assert.equal((await resolveAppAsset(dist, 'https://dataspace/index.html')).status, 404);
    assert.equal((await resolveAppAsset(dist, APP_ENTRY_URL, 'POST')).status, 405);
    const head = await resolveAppAsset(dist, APP_ENTRY_URL, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, null);
  });

  it('answers 404 when the renderer is not built', async () => {
    assert.equal((await resolveAppAsset(join(work, 'nowhere'), APP_ENTRY_URL)).status, 404);
  });
});
