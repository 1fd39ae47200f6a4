// Attention maps through the service (forward with attention: true), against a real engine:
// each MultiHeadAttention layer answers its weights (N, heads, Tq, Tk); every row sums to 1 and
// equals softmax(q·kᵀ/√d [+ causal mask]) computed here in plain JavaScript from the layer's
// in_proj parameters (read back with parameterValues) and the input sent. In the char-transformer
// the attention sits in a block repeated ×2: each copy answers its own map under its own key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedHost } from './service-helpers.ts';
import { chainDocument } from '../engine/support/chain-document.ts';
import type { TensorOutput } from '../../engine/protocol/service-api.ts';

const connection = connectedHost();
const client = () => connection.client();
const nums = (t: TensorOutput) => t.data.map(Number);

/** softmax(q kᵀ / √d + mask) per sample and head, from x (N, T, E) and the packed in-projection (3E, E) + bias (3E). */
function expectedWeights(x: number[], [n, t, e]: number[], w: number[], b: number[], heads: number, causal: boolean): number[] {
  const d = e / heads;
  const project = (s: number, i: number, row: number) => {
    // row of q (0..E-1), k (E..2E-1) or v
    let acc = b[row]!;
    for (let c = 0; c < e; c++) acc += w[row * e + c]! * x[(s * t + i) * e + c]!;
    return acc;
  };
  const out: number[] = [];
  for (let s = 0; s < n!; s++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < t!; i++) {
        const scores: number[] = [];
        for (let j = 0; j < t!; j++) {
          let dot = 0;
          for (let c = 0; c < d; c++) dot += project(s, i, h * d + c) * project(s, j, e + h * d + c);
          scores.push(causal && j > i ? -Infinity : dot / Math.sqrt(d));
        }
        const max = Math.max(...scores);
        const ex = scores.map((v) => Math.exp(v - max));
        const sum = ex.reduce((a, v) => a + v, 0);
        out.push(...ex.map((v) => v / sum));
      }
    }
  }
  return out;
}

for (const causal of [false, true]) {
  test(`attention maps equal softmax(QKᵀ/√d) from the parameters (causal: ${causal})`, async () => {
    const shape = [2, 5, 8];
    const heads = 2;
    const doc = chainDocument([{ kind: 'MultiHeadAttention', name: 'multiheadattention0', attrs: { heads, causal } }], [-1, 5, 8]);
    const { docId } = await client().call('openDocument', { document: doc });
    const x = Array.from({ length: 2 * 5 * 8 }, () => Math.random() * 2 - 1);
    const ran = await client().call('forward', { docId, input: [{ shape, data: x }], attention: true });
    assert.equal(ran.attention?.length, 1);
    const map = ran.attention![0]!;
    assert.equal(map.node, 'n0');
    assert.equal(map.name, 'multiheadattention0');
    assert.deepEqual(map.weights.shape, [2, heads, 5, 5]);
    const got = nums(map.weights);
    for (let r = 0; r < got.length / 5; r++) {
      const sum = got.slice(r * 5, r * 5 + 5).reduce((a, v) => a + v, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `row ${r} sums to ${sum}`);
    }
    const w = nums((await client().call('parameterValues', { docId, name: 'multiheadattention0_in_proj_weight' })).values);
    const b = nums((await client().call('parameterValues', { docId, name: 'multiheadattention0_in_proj_bias' })).values);
    const want = expectedWeights(x, shape, w, b, heads, causal);
    const worst = Math.max(...want.map((v, i) => Math.abs(v - got[i]!)));
    assert.ok(worst < 1e-5, `max |Δ| = ${worst}`);
    if (causal) assert.equal(got[1], 0, 'the first position attends to itself only');
    // Without the flag, no maps (and the layers keep nothing between passes).
    assert.equal((await client().call('forward', { docId, input: [{ shape, data: x }] })).attention, undefined);
  });
}

test("the char-transformer's repeated encoder block answers one map per copy", async () => {
  const { document } = await client().call('loadExample', { name: 'char-transformer' });
  const { docId } = await client().call('openDocument', { document });
  const ids = Array.from({ length: 32 }, (_, i) => i % 28);
  const ran = await client().call('forward', { docId, input: [{ shape: [1, 32], dtype: 'int32', data: ids }], attention: true });
  const maps = ran.attention ?? [];
  assert.equal(maps.length, 2, JSON.stringify(maps.map((m) => m.node)));
  assert.notEqual(maps[0]!.node, maps[1]!.node);
  for (const m of maps) {
    assert.deepEqual(m.weights.shape, [1, 4, 32, 32]);
    assert.match(m.node, /att$/);
  }
});
