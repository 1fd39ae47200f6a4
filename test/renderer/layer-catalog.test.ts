// The contract between the engine's layerCatalog method and the editor: every registered kind
// arrives as data the palette and the inspector's form can use, and it survives JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceMethods } from '../../engine/protocol/service-api.ts';
import { layerCatalog } from '../../engine/service/methods/catalog.ts';
import { layerKinds } from '../../engine/nn/layers/index.ts';
import { makeCatalog, paletteGroups } from '../../renderer/graph/catalog.ts';
import type { RequestContext } from '../../engine/service/dispatcher.ts';

test('layerCatalog lists every registered kind as JSON-safe data matching its schema', async () => {
  const answer = await layerCatalog({}, {} as RequestContext);
  const wire = JSON.parse(JSON.stringify(answer)) as unknown;
  const parsed = serviceMethods.layerCatalog.result.parse(wire);
  assert.deepEqual(
    parsed.layers.map((l) => l.kind),
    layerKinds(),
  );
  const dense = parsed.layers.find((l) => l.kind === 'Dense')!;
  assert.deepEqual(
    dense.attrs.find((a) => a.name === 'units'),
    { name: 'units', type: 'int', required: true, min: 1, doc: 'output features' },
  );
  assert.deepEqual(
    dense.params.map((p) => p.name),
    ['weight', 'bias'],
  );
  assert.ok(parsed.initializers.includes('xavier') && parsed.initializers.includes('constant'));
  // Palette: every kind but the bare containers, plus Input and Output.
  const shown = paletteGroups(makeCatalog(parsed.layers, parsed.initializers)).flatMap((g) => g.entries.map((e) => e.kind));
  assert.deepEqual(shown.sort(), [...layerKinds().filter((k) => k !== 'Sequential' && k !== 'Concurrent'), 'Input', 'Output'].sort());
});
