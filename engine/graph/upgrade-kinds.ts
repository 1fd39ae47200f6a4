// Documents that name the chapter's former built-in kinds (CenteredLayer, MyDense, FancyMLP, before
// code blocks existed) open upgraded: each such node becomes a Code node holding the chapter's
// listing (engine/nn/layers/code-examples.ts), with the same name, parameter short names and
// settings. Applied to every version, since the kinds went without a format change.

import { CENTERED_LAYER_SOURCE, FANCY_MLP_SOURCE, myDenseSource } from '../nn/layers/code-examples.ts';
import { trustSources } from '../sandbox/trust.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Code source that replaces a former kind, or null when the node is not one of them. */
export function formerKindSource(kind: unknown, attrs: unknown): string | null {
  const a = isObject(attrs) ? attrs : {};
  switch (kind) {
    case 'CenteredLayer':
      return CENTERED_LAYER_SOURCE;
    case 'FancyMLP':
      return FANCY_MLP_SOURCE;
    case 'MyDense': {
      const units = Number(a.units);
      const inUnits = Number(a.inUnits);
      if (!Number.isInteger(units) || !Number.isInteger(inUnits) || units < 1 || inUnits < 1) return null;
      const source = myDenseSource(units, inUnits);
      // Blocksmith wrote this source itself from two integers: nothing of the file's runs.
      trustSources([source]);
      return source;
    }
    default:
      return null;
  }
}

const upgradeNode = (n: unknown): unknown => {
  if (!isObject(n)) return n;
  const sequence = Array.isArray(n.sequence) ? { sequence: n.sequence.map(upgradeNode) } : {};
  const source = formerKindSource(n.kind, n.attrs);
  if (source === null) return { ...n, ...sequence };
  return { ...n, ...sequence, kind: 'Code', attrs: { source } };
};

const upgradeBody = (g: unknown): unknown => (isObject(g) && Array.isArray(g.nodes) ? { ...g, nodes: g.nodes.map(upgradeNode) } : g);

/** The document with every former built-in kind replaced by its code block. */
export function upgradeFormerKinds(doc: Json): Json {
  const out = upgradeBody(doc) as Json;
  return Array.isArray(doc.blocks) ? { ...out, blocks: doc.blocks.map(upgradeBody) } : out;
}
