// Pure parts of the service: statistics and histograms against numpy, slicing, wire numbers,
// stdio framing, and the web host's Host / Origin / token rules.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { FrameDecoder, encodeFrame } from '../../engine/service/frame-codec.ts';
import { fromWireNumber, histogram, sliceBox, summaryStats, toWireNumber } from '../../engine/service/tensor-wire.ts';
import { allowedHostHeaders, hostAllowed, isLoopback, originAllowed, tokenMatches } from '../../scripts/web-host/request-guard.ts';

function numpy(script: string, input: unknown): unknown {
  return JSON.parse(
    execFileSync('python3', ['-c', `import json, sys, numpy as np\nx = np.array(json.load(sys.stdin), dtype=np.float64)\n${script}`], {
      input: JSON.stringify(input),
      encoding: 'utf8',
    }),
  );
}

test('summary statistics and histograms match numpy', () => {
  const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 7));
  const data = Float32Array.from(values);
  const expected = numpy(
    'c, e = np.histogram(x, bins=12)\nprint(json.dumps([x.mean(), x.std(), x.min(), x.max(), c.tolist(), e.tolist()]))',
    Array.from(data),
  ) as [number, number, number, number, number[], number[]];
  const stats = summaryStats(data);
  assert.ok(Math.abs((stats.mean as number) - expected[0]) < 1e-9);
  assert.ok(Math.abs((stats.std as number) - expected[1]) < 1e-9);
  assert.equal(stats.min, expected[2]);
  assert.equal(stats.max, expected[3]);
  const h = histogram(data, 12);
  assert.deepEqual(h.counts, expected[4]);
  h.edges.forEach((edge, i) => assert.ok(Math.abs(edge - expected[5][i]!) < 1e-9));
});

test('histograms skip non-finite values and widen a constant array like numpy', () => {
  const h = histogram(Float32Array.from([2, 2, NaN, Infinity]), 4);
  assert.equal(h.nonFinite, 2);
  assert.deepEqual(h.counts, [0, 0, 2, 0]);
  assert.deepEqual(h.edges, [1.5, 1.75, 2, 2.25, 2.5]);
  assert.deepEqual(summaryStats(new Float32Array(0)), { count: 0, mean: 'NaN', std: 'NaN', min: 'NaN', max: 'NaN' });
});

test('sliceBox copies a box out of a C-order array', () => {
  const data = Float32Array.from({ length: 24 }, (_, i) => i);
  assert.deepEqual([...sliceBox(data, [2, 3, 4], [1, 1, 2], [1, 2, 2])], [18, 19, 22, 23]);
  assert.deepEqual([...sliceBox(data, [2, 3, 4], [0, 0, 0], [0, 3, 4])], []);
});

test('non-finite numbers travel as strings', () => {
  for (const v of [1.5, -0, NaN, Infinity, -Infinity])
    assert.ok(Object.is(fromWireNumber(toWireNumber(v)), v) || (Number.isNaN(v) && Number.isNaN(fromWireNumber(toWireNumber(v)))));
  assert.equal(JSON.stringify([NaN, Infinity].map(toWireNumber)), '["NaN","Infinity"]');
});

test('stdio frames: one JSON message per line, split anywhere, bounded', () => {
  const decoder = new FrameDecoder(64);
  const text = encodeFrame({ a: 'x\ny' }) + encodeFrame({ b: 2 });
  const got: unknown[] = [];
  for (const ch of text) got.push(...decoder.push(ch));
  assert.deepEqual(got, [{ a: 'x\ny' }, { b: 2 }]);
  assert.throws(() => new FrameDecoder(8).push('x'.repeat(9)), /exceeds 8 bytes/);
  assert.throws(() => new FrameDecoder().push('{oops\n'), /not JSON/);
});

test('Host, Origin and token rules', () => {
  const allowed = allowedHostHeaders('127.0.0.1', 5173);
  assert.ok(hostAllowed('127.0.0.1:5173', allowed));
  assert.ok(hostAllowed('LOCALHOST:5173', allowed));
  assert.ok(hostAllowed('[::1]:5173', allowed));
  for (const bad of [undefined, '127.0.0.1', '127.0.0.1:5174', 'evil.example:5173', 'localhost.evil:5173'])
    assert.equal(hostAllowed(bad, allowed), false, String(bad));
  assert.ok(originAllowed(undefined, allowed), 'non-browser clients send no Origin');
  assert.ok(originAllowed('http://localhost:5173', allowed));
  for (const bad of ['null', 'https://127.0.0.1:5173', 'http://127.0.0.1:5173/path', 'http://evil.example', 'file://', 'http://127.0.0.1:5173.evil']) {
    assert.equal(originAllowed(bad, allowed), false, bad);
  }
  assert.ok(tokenMatches('abc', 'abc'));
  assert.equal(tokenMatches('abc', 'abd'), false);
  assert.equal(tokenMatches('abc', 'ab'), false);
  assert.equal(tokenMatches('abc', undefined), false);
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
  assert.equal(isLoopback('0.0.0.0'), false);
  assert.equal(isLoopback('192.168.1.4'), false);
  assert.ok(allowedHostHeaders('192.168.1.4', 80).has('192.168.1.4:80'));
});
