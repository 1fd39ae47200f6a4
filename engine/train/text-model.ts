// Whether a document's model fits a text's character vocabulary: every Embedding takes ids below
// its inputDim, so inputDim must equal the vocabulary's size (a smaller table fails on the first
// unseen id, a larger one wastes rows and breaks a tie to the output layer), and the model must
// give one logit per character at every position, (N, T, V). Errors name the node to change.

import type { BlockDefinition, GraphDocument, GraphNode } from '../protocol/graph-document.ts';
import { modelDataErrors } from './train-errors.ts';

const label = (node: GraphNode, where: string): string => `${where}node '${node.id}'${node.name ? ` (${node.name})` : ''}`;

/** Each Embedding node of the document and of its block definitions, with where it is. */
function embeddings(document: GraphDocument): { node: GraphNode; where: string }[] {
  const found = document.nodes.filter((n) => n.kind === 'Embedding').map((node) => ({ node, where: '' }));
  for (const block of (document.blocks ?? []) as BlockDefinition[]) {
    for (const node of block.nodes) if (node.kind === 'Embedding') found.push({ node, where: `block '${block.id}' ` });
  }
  return found;
}

/** The node whose output is the model's output (what a person changes to fix the logits' size). */
function outputProducer(document: GraphDocument): GraphNode | undefined {
  const out = document.nodes.find((n) => n.kind === 'Output');
  const edge = out && document.edges.find((e) => e.target.node === out.id);
  return edge && document.nodes.find((n) => n.id === edge.source.node);
}

/** Throws E_DATA naming the first Embedding whose inputDim is not the vocabulary's size (before any forward: it would index past the table). */
export function checkTextEmbeddings(document: GraphDocument | undefined, vocabSize: number, source: string): void {
  for (const { node, where } of document ? embeddings(document) : []) {
    const inputDim = node.attrs?.['inputDim'];
    if (inputDim !== vocabSize) {
      throw modelDataErrors.embeddingDim(source, vocabSize, label(node, where), inputDim);
    }
  }
}

/** Throws E_DATA when the model's outputs are not (N, window, vocabSize), naming the node that makes them. */
export function checkTextOutput(document: GraphDocument | undefined, vocabSize: number, window: number, outShape: readonly number[], source: string): void {
  const fits = outShape.length === 3 && outShape[1] === window && outShape[2] === vocabSize;
  if (!fits) {
    const producer = document && outputProducer(document);
    const fix = producer ? `; ${label(producer, '')} makes the output: give it ${vocabSize} units` : '';
    throw modelDataErrors.textOutput(source, outShape, window, vocabSize, fix);
  }
}
