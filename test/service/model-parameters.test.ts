// The parameter table's rows for tied parameters: besides the structural path of each other use
// (`2.weight`, which says where in a chain but not which layer), the Gluon name of the block that
// holds the parameter there, for nested blocks too. The tied example's row over the service is
// checked in service-parameter-panel.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dense, NamingScope, Sequential, withNamingScope } from '../../engine/index.ts';
import { structuralUses, uniqueParams } from '../../engine/service/model-parameters.ts';

/** dense0, then a Sequential holding its own dense0 and a layer sharing the outer dense0's parameters, then another sharer. */
function nestedTies() {
  return withNamingScope(new NamingScope(), () => {
    const shared = new Dense(4, { inUnits: 4 });
    const inner = new Sequential();
    inner.nameScope(() => inner.add(new Dense(4, { inUnits: 4 }), new Dense(4, { params: shared.params })));
    return new Sequential().add(shared, inner, new Dense(4, { params: shared.params }));
  });
}

test('each other use of a tied parameter names the block holding it, nested ones by their full prefix', () => {
  const rows = uniqueParams(nestedTies());
  assert.deepEqual(
    rows.map((r) => r.name),
    ['dense0_weight', 'dense0_bias', 'sequential0_dense0_weight', 'sequential0_dense0_bias'],
  );
  const weight = rows[0]!;
  assert.deepEqual(weight.tiedTo, ['1.1.weight', '2.weight']);
  assert.deepEqual(weight.tiedToBlocks, ['sequential0_dense1', 'dense1']);
  assert.deepEqual(rows[1]!.tiedToBlocks, ['sequential0_dense1', 'dense1']);
  // An untied parameter has neither.
  assert.deepEqual(rows[2]!.tiedTo, []);
  assert.deepEqual(rows[2]!.tiedToBlocks, []);
});

test('structural uses follow structuralParams order and paths, each with its holder', () => {
  const net = nestedTies();
  const uses = structuralUses(net);
  assert.deepEqual(
    uses.map((u) => u.path),
    [...net.structuralParams().keys()],
  );
  assert.deepEqual(
    uses.map((u) => u.param),
    [...net.structuralParams().values()],
  );
  assert.deepEqual(
    uses.map((u) => `${u.path}@${u.block.name}`),
    [
      '0.weight@dense0',
      '0.bias@dense0',
      '1.0.weight@sequential0_dense0',
      '1.0.bias@sequential0_dense0',
      '1.1.weight@sequential0_dense1',
      '1.1.bias@sequential0_dense1',
      '2.weight@dense1',
      '2.bias@dense1',
    ],
  );
});
