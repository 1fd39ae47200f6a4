// Attention maps for forward: every MultiHeadAttention layer of a built model keeps the attention
// weights of the pass (softmax(q·kᵀ/√d [+ mask]), before dropout; the layer's keepWeights hook),
// which come back per layer as (N, heads, Tq, Tk) arrays keyed like the shape report's nodes
// (repeat copies `rep#i/id`, block instances `inst/id`) — what the editor draws as heatmaps.
import type { BuiltModel } from '../graph/index.ts';
import type { TensorOutput } from '../protocol/service-api.ts';
import { MultiHeadAttention } from '../nn/layers/multi-head-attention.ts';
import { ndarrayToWire } from './tensor-wire.ts';

export interface AttentionMap {
  /** The node's key in the expanded graph (as inferShapes' nodes). */
  node: string;
  /** The layer's name in the model (each repeat copy its own). */
  name: string;
  weights: TensorOutput;
}

/** Whether the model has a layer whose weights withAttentionMaps would keep (else a pass needs not run eagerly for them). */
export function hasAttentionLayers(model: BuiltModel): boolean {
  return [...model.blocks.values()].some((b) => b instanceof MultiHeadAttention);
}

/**
 * Runs `pass` with every attention layer keeping its weights, then answers them (at most
 * `maxValues` values each) and lets the layers go back to keeping nothing.
 */
export function withAttentionMaps<T>(model: BuiltModel, maxValues: number, pass: () => T): { result: T; maps: AttentionMap[] } {
  const layers = [...model.blocks].filter((entry): entry is [string, MultiHeadAttention] => entry[1] instanceof MultiHeadAttention);
  for (const [, layer] of layers) layer.keepWeights = true;
  try {
    const result = pass();
    const maps = layers.flatMap(([node, layer]) =>
      layer.lastWeights ? [{ node, name: layer.name, weights: ndarrayToWire(layer.lastWeights, maxValues) }] : [],
    );
    return { result, maps };
  } finally {
    for (const [, layer] of layers) {
      layer.keepWeights = false;
      layer.lastWeights = null;
    }
  }
}
