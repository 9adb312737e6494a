import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { hmacSha256 } from './hmac-sha256.ts';
import { createPseudonymKey } from './pseudonym-key.ts';

test('matches RFC 4231 test case 2', () => {
  const mac = hmacSha256(Buffer.from('Jefe'));
  assert.equal(mac('what do ya want for nothing?').toString('hex'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});

test('is bit-identical to createHmac for every message length up to 300 bytes, strings and bytes', () => {
  for (let trial = 0; trial < 3; trial++) {
    const key = randomBytes(32);
    const mac = hmacSha256(key);
    for (let n = 0; n <= 300; n++) {
      const bytes = randomBytes(n);
      assert.deepEqual(mac(bytes), createHmac('sha256', key).update(bytes).digest(), `bytes length ${n}`);
      const text = 'é✓a'.repeat(n).slice(0, n);
      assert.deepEqual(mac(text), createHmac('sha256', key).update(text).digest(), `string length ${n}`);
    }
  }
});

test('the pseudonym key is HMAC-SHA-256 of domain, NUL, value', () => {
  const secret = randomBytes(32);
  const key = createPseudonymKey(secret);
  for (const [domain, value] of [['patient', 'urn:mrn|123'], ['resource', 'Encounter/abc'], ['', ''], ['x', 'long'.repeat(40)]] as const) {
    assert.deepEqual(key.hmac(domain, value), createHmac('sha256', secret).update(domain).update('\u0000').update(value).digest());
  }
});
