// The engine's session: the documents a client has opened and the models built from them. The
// only mutable state of the service (design.md: no global state outside the store and the
// session); one session per engine process, so a restarted engine starts empty.
import type { Block } from '../index.ts';
import type { BuiltModel } from '../graph/index.ts';
import type { ValidatedDocument } from '../graph/validated.ts';
import type { TrainingRun } from '../train/run.ts';
import { serviceErrors } from './service-errors.ts';

export interface OpenDocument {
  readonly docId: string;
  /** Validated once when opened: the builder and inference trust its problems. */
  readonly document: ValidatedDocument;
  /** This version's number under its docId (1, 2, …): openDocument's patches name the one they change. */
  readonly revision: number;
  /** Built on the first forward; rebuilt when the document changes or on request. */
  model: BuiltModel | null;
  /** The device the model's parameters live on, e.g. 'cpu:0'. */
  device: string;
}

/** The most documents one session holds: a client that leaks ids cannot exhaust the engine. */
export const MAX_OPEN_DOCUMENTS = 256;

export class Session {
  readonly startedAt = Date.now();
  private readonly documents = new Map<string, OpenDocument>();
  /** Training runs by runId (methods/training.ts), finished ones included until their document closes. */
  readonly trainingRuns = new Map<string, TrainingRun>();
  private counter = 0;

  /** Opens (or replaces) a document; a replaced one loses its built model. */
  open(document: ValidatedDocument, docId?: string): OpenDocument {
    const id = docId ?? this.freshId();
    if (!this.documents.has(id) && this.documents.size >= MAX_OPEN_DOCUMENTS) {
      throw serviceErrors.tooManyDocuments(MAX_OPEN_DOCUMENTS);
    }
    const entry: OpenDocument = { docId: id, document, model: null, device: 'cpu:0', revision: (this.documents.get(id)?.revision ?? 0) + 1 };
    this.documents.set(id, entry);
    return entry;
  }

  close(docId: string): boolean {
    return this.documents.delete(docId);
  }

  get(docId: string): OpenDocument {
    const found = this.documents.get(docId);
    if (!found) {
      throw serviceErrors.noDocument(docId, [...this.documents.keys()]);
    }
    return found;
  }

  /** The built model of a document, or E_NO_MODEL saying what to do. */
  model(docId: string): { entry: OpenDocument; net: Block; model: BuiltModel } {
    const entry = this.get(docId);
    if (!entry.model) {
      throw serviceErrors.noModel(docId);
    }
    return { entry, net: entry.model.net, model: entry.model };
  }

  private freshId(): string {
    let id: string;
    do id = `doc${this.counter++}`;
    while (this.documents.has(id));
    return id;
  }
}
