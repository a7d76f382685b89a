import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalStringify, sha256Hex } from '../src/lib/canonical';
import { parseIntent } from '../src/lib/validate';

describe('canonical JSON', () => {
  it('sorts keys at every level and keeps array order', () => {
    const a = canonicalStringify({ b: 1, a: { z: [3, { y: true, x: null }], c: 'ü' } });
    const b = canonicalStringify({ a: { c: 'ü', z: [3, { x: null, y: true }] }, b: 1 });
    assert.equal(a, '{"a":{"c":"ü","z":[3,{"x":null,"y":true}]},"b":1}');
    assert.equal(a, b);
    assert.equal(sha256Hex(a), sha256Hex(b));
  });

  it('drops undefined members and refuses values JSON cannot carry', () => {
    assert.equal(canonicalStringify({ a: undefined, b: [undefined] }), '{"b":[null]}');
    assert.throws(() => canonicalStringify({ n: Number.NaN }));
    assert.throws(() => canonicalStringify({ f: () => 1 }));
  });
});

describe('intent validation', () => {
  const schema = { id: { kind: 'id' as const }, note: { kind: 'textOrEmpty' as const, optional: true } };

  it('accepts a valid intent and drops null optional fields', () => {
    assert.deepEqual(parseIntent('{"id":"REQ-1","note":null}', schema), { id: 'REQ-1' });
  });

  it('rejects unknown fields, bad JSON, non-objects and unsafe ids with INVALID:', () => {
    for (const bad of ['{"id":"A","x":1}', '{id:1}', '[1]', '"s"', '{"id":"a\\u0000b"}', '{"id":""}', '{}']) {
      assert.throws(() => parseIntent(bad, schema), (e: Error) => e.message.startsWith('INVALID: '), bad);
    }
  });
});
