// The four worked examples of the AWS S3 API Reference ("Examples: Signature Calculations in AWS
// Signature Version 4", sig-v4-header-based-auth), replayed against the server-side verifier.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { canonicalQuery, canonicalUri, verifySigV4 } from './aws-sigv4.ts';

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SIGNED_AT = new Date(Date.UTC(2013, 4, 24));
const secretFor = (key: string) => (key === ACCESS_KEY ? SECRET_KEY : undefined);

function authorization(signedHeaders: string, signature: string): string {
  return `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`;
}

function verify(method: string, url: string, headers: IncomingHttpHeaders, now = SIGNED_AT) {
  return verifySigV4({ method, url, headers }, secretFor, { region: 'us-east-1', now });
}

const getObject = (): IncomingHttpHeaders => ({
  host: 'examplebucket.s3.amazonaws.com',
  range: 'bytes=0-9',
  'x-amz-content-sha256': EMPTY_SHA256,
  'x-amz-date': '20130524T000000Z',
  authorization: authorization('host;range;x-amz-content-sha256;x-amz-date', 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'),
});

describe('AWS Signature Version 4 verification', () => {
  it('accepts the documented GET Object example', () => {
    assert.deepEqual(verify('GET', '/test.txt', getObject()), { ok: true, accessKey: ACCESS_KEY, payloadHash: EMPTY_SHA256 });
  });

  it('accepts the documented PUT Object example (a "$" in the key, a signed Date header)', () => {
    const verdict = verify('PUT', '/test%24file.text', {
      host: 'examplebucket.s3.amazonaws.com',
      date: 'Fri, 24 May 2013 00:00:00 GMT',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
      authorization: authorization('date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class', '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd'),
    });
    assert.equal(verdict.ok, true);
  });

  it('accepts the documented GET Bucket Lifecycle and ListObjects examples (query canonicalisation)', () => {
    const base = { host: 'examplebucket.s3.amazonaws.com', 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': '20130524T000000Z' };
    const lifecycle = verify('GET', '/?lifecycle', {
      ...base,
      authorization: authorization('host;x-amz-content-sha256;x-amz-date', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'),
    });
    assert.equal(lifecycle.ok, true);
    // Sent in a different order than signed: the canonical query sorts by name.
    const list = verify('GET', '/?prefix=J&max-keys=2', {
      ...base,
      authorization: authorization('host;x-amz-content-sha256;x-amz-date', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'),
    });
    assert.equal(list.ok, true);
  });

  it('refuses a changed header, an unknown key, a skewed clock and unsigned x-amz headers', () => {
    assert.equal(pick(verify('GET', '/test.txt', { ...getObject(), range: 'bytes=0-10' })), 'SignatureDoesNotMatch');
    assert.equal(pick(verify('GET', '/test.txt?versionId=1', getObject())), 'SignatureDoesNotMatch');
    assert.equal(pick(verify('GET', '/test.txt', { ...getObject(), authorization: getObject().authorization!.replace(ACCESS_KEY, 'AKIDOTHER') })), 'InvalidAccessKeyId');
    assert.equal(pick(verify('GET', '/test.txt', getObject(), new Date(SIGNED_AT.getTime() + 16 * 60_000))), 'RequestTimeTooSkewed');
    assert.equal(pick(verify('GET', '/test.txt', { ...getObject(), 'x-amz-meta-injected': 'x' })), 'AccessDenied');
    assert.equal(pick(verify('GET', '/test.txt', { ...getObject(), authorization: undefined })), 'AccessDenied');
    assert.equal(pick(verify('GET', '/test.txt', { ...getObject(), authorization: 'AWS AKIA:abc' })), 'AuthorizationHeaderMalformed');
  });

  it('canonicalises paths and queries the way S3 does', () => {
    assert.equal(canonicalUri('/bucket/a%20b/c~d(e)'), '/bucket/a%20b/c~d%28e%29');
    assert.equal(canonicalUri('/bad%zz'), undefined);
    assert.equal(canonicalQuery('prefix=a%2Fb&list-type=2&delimiter='), 'delimiter=&list-type=2&prefix=a%2Fb');
    assert.equal(canonicalQuery('location'), 'location=');
  });
});

function pick(verdict: ReturnType<typeof verify>): string {
  return verdict.ok ? 'ok' : verdict.code;
}
