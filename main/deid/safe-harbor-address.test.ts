import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countryCode, generaliseAddress } from './safe-harbor-address.ts';

test('a US address keeps only its USPS state code and ZIP3', () => {
  const address = {
    line: ['ZZSTREET-MARKER-3'],
    city: 'ZZCITY-MARKER-3',
    district: 'ZZCOUNTY-MARKER-3',
    state: 'Massachusetts',
    postalCode: '02720',
    country: 'US',
  };
  assert.deepEqual(generaliseAddress(address), { state: 'MA', zip3: '027', country: 'US' });
  assert.deepEqual(generaliseAddress({ state: 'ny', postalCode: '10001' }), {
    state: 'NY',
    zip3: '100',
    country: null,
  });
  assert.deepEqual(
    generaliseAddress({ state: 'PR', postalCode: '00901', country: 'Puerto Rico' }),
    { state: 'PR', zip3: '000', country: 'PR' },
  );
});

test('a state that is not a US state or territory is dropped, not copied', () => {
  assert.deepEqual(
    generaliseAddress({ state: 'ZZSTATE-MARKER-3 county', postalCode: '02720', country: 'USA' }),
    { state: null, zip3: '027', country: 'US' },
  );
});

test('a non-US address keeps only its country', () => {
  assert.deepEqual(
    generaliseAddress({ city: 'Ottawa', state: 'ON', postalCode: 'K1A 0B1', country: 'CA' }),
    { state: null, zip3: null, country: 'CA' },
  );
  assert.deepEqual(
    generaliseAddress({ state: 'Bayern', postalCode: '80331', country: 'Germany' }),
    { state: null, zip3: null, country: 'DE' },
  );
  assert.deepEqual(
    generaliseAddress({ state: 'MA', postalCode: '02720', country: 'ZZCOUNTRY-MARKER-3' }),
    { state: null, zip3: null, country: null },
  );
});

test('countries are normalised to ISO 3166 codes, anything else is dropped', () => {
  assert.equal(countryCode('us'), 'US');
  assert.equal(countryCode('United States of America'), 'US');
  assert.equal(countryCode('NLD'), 'NLD');
  assert.equal(countryCode('Netherlands'), 'NL');
  assert.equal(countryCode('XK'), 'XK');
  assert.equal(countryCode('ZZ'), null);
  assert.equal(countryCode('Smithville'), null);
  assert.equal(countryCode(42), null);
});
