// The layer catalog as the editor uses it: the engine's descriptors as data (layerCatalog over the
// API), indexed by kind and grouped for the palette. Pure: no React, no store.
import type { LayerInfo } from '../../engine/protocol/service-api.ts';

export type { LayerInfo };
export type AttrInfo = LayerInfo['attrs'][number];

export interface Catalog {
  readonly layers: readonly LayerInfo[];
  readonly initializers: readonly string[];
  readonly byKind: ReadonlyMap<string, LayerInfo>;
}

export function makeCatalog(layers: readonly LayerInfo[], initializers: readonly string[]): Catalog {
  return { layers, initializers, byKind: new Map(layers.map((l) => [l.kind, l])) };
}

export const EMPTY_CATALOG: Catalog = makeCatalog([], []);

/** Kinds the engine refuses as bare nodes (E_KIND_CONTAINER): their children are drawn in a block definition. */
const CONTAINER_KINDS = new Set(['Sequential', 'Concurrent']);

export interface PaletteEntry {
  kind: string;
  category: string;
  doc: string;
}

export interface PaletteGroup {
  category: string;
  title: string;
  entries: PaletteEntry[];
}

const GROUP_TITLES: Record<string, string> = {
  io: 'Input / output',
  core: 'Layers',
  embedding: 'Embedding',
  convolution: 'Convolution',
  pooling: 'Pooling',
  recurrent: 'Recurrent',
  attention: 'Attention',
  normalization: 'Normalization',
  merge: 'Merge',
  shape: 'Shape',
  sequence: 'Sequence',
  activation: 'Activations',
  regularization: 'Regularization',
  structure: 'Structure',
};
const GROUP_ORDER = [
  'io',
  'core',
  'embedding',
  'convolution',
  'pooling',
  'recurrent',
  'attention',
  'normalization',
  'merge',
  'activation',
  'shape',
  'sequence',
  'regularization',
  'structure',
];

/** The palette: Input and Output, then every catalog kind by category, filtered by a search text. */
export function paletteGroups(catalog: Catalog, search = ''): PaletteGroup[] {
  const entries: PaletteEntry[] = [
    { kind: 'Input', category: 'io', doc: "The network's input (shape and dtype in the document settings)." },
    { kind: 'Output', category: 'io', doc: 'A network output.' },
    ...catalog.layers.filter((l) => !CONTAINER_KINDS.has(l.kind)).map((l) => ({ kind: l.kind, category: l.category, doc: l.doc })),
  ];
  const needle = search.trim().toLowerCase();
  const shown = needle ? entries.filter((e) => e.kind.toLowerCase().includes(needle) || e.doc.toLowerCase().includes(needle)) : entries;
  const categories = [...new Set(shown.map((e) => e.category))].sort((a, b) => rank(a) - rank(b));
  return categories.map((category) => ({
    category,
    title: GROUP_TITLES[category] ?? category,
    entries: shown.filter((e) => e.category === category),
  }));
}

function rank(category: string): number {
  const i = GROUP_ORDER.indexOf(category);
  return i < 0 ? GROUP_ORDER.length : i;
}

/** The colour family of a node kind (a CSS class suffix): its catalog category, or a structural one. */
export function categoryOf(catalog: Catalog, kind: string): string {
  if (kind === 'Input' || kind === 'Output') return 'io';
  if (kind === 'BlockInstance' || kind === 'Repeat') return 'block';
  return catalog.byKind.get(kind)?.category ?? 'unknown';
}

/** Attributes a new node starts with: a required enum takes its first choice; other required ones stay unset (validation asks for them). */
export function initialAttrs(layer: LayerInfo | undefined): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  for (const a of layer?.attrs ?? []) {
    if (a.required && a.type === 'enum' && a.choices?.length) attrs[a.name] = a.choices[0];
  }
  return attrs;
}
