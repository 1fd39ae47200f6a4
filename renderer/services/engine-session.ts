// Keeps the engine in step with the store: loads the catalog, devices and example names; after
// every document edit (debounced) sends the document in one request that answers its problems and
// shapes; runs the model in one request that answers outputs, shapes and the parameter table.
// React-free: it talks to the store and a ServiceClient.
import { zGraphDocument, type GraphDocument } from '../../engine/protocol/graph-document.ts';
import type { ProblemInfo } from '../../engine/protocol/service-api.ts';
import { diffDocuments } from '../../engine/protocol/document-patch.ts';
import type { ServiceClient } from '../../engine/protocol/service-client.ts';
import { makeCatalog } from '../graph/catalog.ts';
import { rememberEngineNames } from '../graph/engine-names.ts';
import { storedNames } from '../graph/node-names.ts';
import type { CodeListing } from '../store/code-trust-slice.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { refuseOnProblems } from '../store/problem-focus.ts';
import { messageOf } from './error-message.ts';

export const DOC_ID = 'editor';
/** Edits closer together than this are sent to the engine once. */
export const SYNC_DEBOUNCE_MS = 150;
/** Documents with more nodes than this send an edit as a patch against the engine's last version (engine/protocol/document-patch.ts). */
export const PATCH_MIN_NODES = 200;
/** Output values Run brings back per output (enough for the Parameters tab's heatmap). */
export const RUN_MAX_VALUES = 16384;

interface ErrorWithDetails {
  message: string;
  details?: unknown;
}

function problemsOf(error: unknown): ProblemInfo[] | null {
  const details = (error as ErrorWithDetails).details as { problems?: ProblemInfo[] } | undefined;
  return Array.isArray(details?.problems) ? details.problems : null;
}

function modelKey(document: GraphDocument): string {
  const { layout: _layout, title: _title, ...model } = document;
  return JSON.stringify(model);
}

export class EngineSession {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;
  private pending: Promise<void> = Promise.resolve();
  /** The model part (everything but the canvas layout) last sent: moving a node changes no shape. */
  private syncedModel: string | null = null;
  /** The document the engine keeps and its revision there (null: send the whole document next). */
  private kept: { document: GraphDocument; revision: number } | null = null;

  constructor(
    private readonly store: EditorStore,
    readonly client: ServiceClient,
  ) {}

  async start(): Promise<void> {
    this.store.subscribe((state, previous) => {
      // Opening a document clears the shapes and problems: ask again even for the same model.
      if (state.openedAt !== previous.openedAt) this.forget();
      if (state.document !== previous.document) this.schedule();
      // The person trusted the document's code: send it again, now to run.
      if (state.codeTrust !== previous.codeTrust) {
        this.syncedModel = null;
        this.schedule(0);
      }
    });
    // A crashed or killed engine is replaced by a fresh one: say so and send the document again.
    this.client.on('engine-restarted', (event) => {
      this.forget();
      this.store.getState().setEngine({
        parameters: null,
        lastRun: null,
        notice: {
          kind: 'error',
          text: `The engine ${event.reason === 'crashed' ? 'crashed' : 'stopped'} and was restarted; your graph is kept. Run again for parameters.`,
        },
      });
      this.schedule(0);
    });
    await this.loadCatalog();
  }

  /** The web host's socket is back after a drop: load what never arrived and send the document again. */
  async reconnected(): Promise<void> {
    this.forget();
    if (this.store.getState().engineStatus === 'connecting') await this.loadCatalog();
    else this.schedule(0);
  }

  private async loadCatalog(): Promise<void> {
    try {
      const [catalog, devices, examples] = await Promise.all([
        this.client.call('layerCatalog', {}),
        this.client.call('listDevices', {}),
        this.client.call('exampleNames', {}),
      ]);
      this.store.getState().setEngine({
        catalog: makeCatalog(catalog.layers, catalog.initializers),
        devices,
        exampleNames: examples.names,
        engineStatus: 'ready',
      });
    } catch (error) {
      this.fail('The engine did not answer', error);
      return;
    }
    this.schedule(0);
  }

  private schedule(delay = SYNC_DEBOUNCE_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pending = this.sync();
    }, delay);
  }

  /** Sends the current document now (if it changed) and waits for its shapes. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.pending = this.sync();
    }
    await this.pending;
  }

  private async sync(): Promise<void> {
    const { document, codeTrust } = this.store.getState();
    const model = modelKey(document);
    if (model === this.syncedModel) return;
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    try {
      // One request per edit: the engine validates once and answers every problem (each once) and the
      // shapes. Restricted: the engine runs none of the code nobody agreed to (its shapes say why).
      const trust = codeTrust === 'trusted';
      const opened = await this.open(document, trust);
      if (!current()) return;
      this.syncedModel = model;
      this.kept = { document, revision: opened.revision };
      if (!trust) this.review(opened.code ?? []);
      const shapes = { edges: {}, nodes: {}, ...opened.shapes, problems: opened.problems };
      // New nodes are named around the names the engine gave automatically (graph/engine-names.ts).
      if (opened.shapes) rememberEngineNames(opened.shapes, storedNames(document));
      this.store.getState().setEngine({
        shapes,
        problems: opened.problems,
        parameters: null,
        lastRun: null,
        // After an engine restart the engine brings back the values it had kept: say so.
        ...(opened.restored
          ? {
              notice: {
                kind: 'info' as const,
                text:
                  `The engine restored ${opened.restored.parameters} trained or loaded parameter(s) ` +
                  `saved at ${new Date(opened.restored.savedAt).toLocaleTimeString()}; run to see them.`,
              },
            }
          : {}),
      });
    } catch (error) {
      if (!current()) return;
      const problems = problemsOf(error);
      if (problems) this.store.getState().setEngine({ shapes: null, problems });
      else this.fail('Shape inference failed', error);
    }
  }

  /** Next time, the whole document: the engine's version is unknown (a new document, a restarted or reconnected engine). */
  private forget(): void {
    this.syncedModel = null;
    this.kept = null;
  }

  /**
   * One openDocument: for a large document whose last version the engine keeps, the change only;
   * a stale or unknown version (another request changed it, the engine lost it) is refused, and
   * the whole document goes instead (the one case with a second request).
   */
  private async open(document: GraphDocument, trust: boolean) {
    const params = { docId: DOC_ID, shapes: true, ...(trust ? { trust } : {}) };
    const patch = this.kept && document.nodes.length > PATCH_MIN_NODES ? diffDocuments(this.kept.document, document, this.kept.revision) : null;
    if (patch) {
      try {
        return await this.client.call('openDocument', { ...params, patch });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== 'E_STALE_REVISION' && code !== 'E_NO_DOCUMENT') throw error;
      }
    }
    return this.client.call('openDocument', { ...params, document });
  }

  /** Restricted mode: ask about the code the engine would not run, or leave it when all of it may run (the shipped examples). */
  private review(code: readonly CodeListing[]): void {
    const untrusted = code.filter((c) => !c.trusted);
    const { codeReview, codePromptOpen, setCodeTrust } = this.store.getState();
    if (untrusted.length === 0) {
      setCodeTrust({ codeTrust: 'trusted', codeReview: null, codePromptOpen: false });
      return;
    }
    // The prompt opens once per document; "Keep restricted" closes it and the banner reopens it.
    setCodeTrust({ codeReview: untrusted, codePromptOpen: codeReview === null ? true : codePromptOpen });
  }

  /**
   * A forward pass on the document's device, then the parameter table with statistics. Refused
   * while the connection is lost (Ctrl+Enter and the menu reach here even with Run disabled); the
   * status is only ever set back from the 'busy' this set, so a connection lost meanwhile (the
   * monitor's 'offline') stays until the monitor itself sees it come back.
   */
  async run(): Promise<void> {
    const { setEngine, setUi, engineStatus, connectionLost } = this.store.getState();
    if (engineStatus === 'offline' || connectionLost) {
      setEngine({ notice: { kind: 'error', text: 'Run: the engine connection is lost; run again when it is back' } });
      return;
    }
    setEngine({ engineStatus: 'busy', notice: { kind: 'info', text: 'Running…' } });
    const settle = () => {
      if (this.store.getState().engineStatus === 'busy') setEngine({ engineStatus: 'ready' });
    };
    try {
      await this.flush();
      const refused = refuseOnProblems(this.store, 'Run');
      if (refused) {
        settle();
        setEngine({ notice: { kind: 'error', text: refused } });
        return;
      }
      // No rebuild: sending a changed document (openDocument) drops the engine's model, so an edit
      // still gets fresh parameters from the document's seed, while values set, loaded or trained
      // in the Parameters and Training tabs survive a Run of the unchanged document.
      const { runInput } = this.store.getState();
      const inputFile = runInput ? { inputFile: { path: runInput.path, name: runInput.name } } : {};
      // One request per Run: outputs, edge shapes, attention maps and the parameter rows with statistics.
      const { parameterRows, ...lastRun } = await this.client.call('forward', {
        docId: DOC_ID,
        maxValues: RUN_MAX_VALUES,
        attention: true,
        ...inputFile,
        parameterTable: { statistics: true },
      });
      const from = lastRun.input?.source === 'file' ? ` with ${lastRun.input.name ?? ''} from ${lastRun.input.path ?? ''}` : '';
      settle();
      setEngine({
        lastRun,
        parameters: parameterRows ?? [],
        notice: { kind: 'info', text: `Ran on ${lastRun.device} in ${(lastRun.seconds * 1000).toFixed(1)} ms${from}` },
      });
      setUi({ bottomTab: 'parameters' });
    } catch (error) {
      settle();
      this.fail('Run failed', error);
    }
  }

  async openExample(name: string): Promise<void> {
    try {
      const { document } = await this.client.call('loadExample', { name });
      this.openJson(document, `${name}.json`);
    } catch (error) {
      this.fail(`Cannot open the example ${name}`, error);
    }
  }

  /** Opens a document from parsed JSON, reporting (not throwing) when it is not one this build reads. */
  openJson(json: unknown, fileName: string): boolean {
    const parsed = zGraphDocument.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      this.store
        .getState()
        .setEngine({ notice: { kind: 'error', text: `${fileName} is not a Blocksmith graph (version 2)${where}: ${issue?.message ?? ''}` } });
      return false;
    }
    this.store.getState().replaceDocument(parsed.data, fileName);
    this.store.getState().setEngine({ notice: { kind: 'info', text: `Opened ${fileName}` } });
    return true;
  }

  private fail(what: string, error: unknown): void {
    // While the connection is down the banner says so; the status line only says what did not happen.
    if ((error as { code?: unknown } | undefined)?.code === 'E_NOT_CONNECTED' && this.store.getState().connectionLost) {
      this.store
        .getState()
        .setEngine({ notice: { kind: 'error', text: `${what}: the engine connection is lost; the document is sent again when it is back` } });
      return;
    }
    this.store.getState().setEngine({ notice: { kind: 'error', text: `${what}: ${messageOf(error)}` } });
  }
}
