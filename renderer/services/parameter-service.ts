// What the Parameters tab asks of the engine, without React: the table (kept in the store, with
// the live training summaries applied), one parameter's values and gradient, setting one element,
// saving and loading parameters, another framework's weights mapped then applied, listing an
// array file and choosing one of its arrays as Run's input. Unit-tested with a fake client.
import type { FileEntryReport, MethodResult } from '../../engine/protocol/service-api.ts';
import type { ServiceClient } from '../../engine/protocol/service-client.ts';
import { DOC_ID } from './engine-session.ts';
import { shapeText } from '../graph/shape-text.ts';
import type { EditorStore } from '../store/editor-store.ts';
import type { ArraysListing, FileReport } from '../store/panel-slice.ts';
import { applySummaries, isActive } from '../training/training-model.ts';
import type { AxisRange } from '../panels/tensor-view-model.ts';
import { messageOf } from './error-message.ts';

export type ValuesResult = MethodResult<'parameterValues'>;
// The report and listing are kept in the store (they outlive the tab's components); defined there.
export type { ArraysListing, FileReport } from '../store/panel-slice.ts';

export interface LoadOptions {
  allowMissing: boolean;
  ignoreExtra: boolean;
}

function entriesOf(error: unknown): FileEntryReport[] {
  const details = (error as { details?: { entries?: unknown } } | undefined)?.details;
  return Array.isArray(details?.entries) ? (details.entries as FileEntryReport[]) : [];
}

/** A foreign-weights mapping as the Files report's lines, by the file's keys. */
function mappingEntries(m: MethodResult<'mapForeignWeights'>, applied: boolean): FileEntryReport[] {
  return [
    ...m.shapeMismatches.map((x) => ({
      name: x.key,
      status: 'shape-mismatch' as const,
      shape: x.fileShape,
      expectedShape: x.shape,
      message: `${x.parameter} is ${shapeText(x.shape)}`,
    })),
    ...m.missing.map((name) => ({ name, status: 'missing' as const, message: 'no key of the file fills it' })),
    ...m.unexpected.map((name) => ({ name, status: 'extra' as const, message: 'fills no parameter' })),
    ...m.matched.map((x) => ({ name: x.key, status: applied ? ('loaded' as const) : ('read' as const), shape: x.shape, message: `→ ${x.parameter}` })),
  ];
}

export class ParameterService {
  constructor(
    private readonly store: EditorStore,
    private readonly client: ServiceClient,
  ) {}

  /** Fetches the table again (after an edit or a load), keeping a running training's live statistics. */
  async refreshTable(): Promise<void> {
    const table = await this.client.call('parameterTable', { docId: DOC_ID, statistics: true });
    const { training, setEngine } = this.store.getState();
    setEngine({ parameters: applySummaries(table.parameters, isActive(training.phase) ? training.parameters : {}) });
  }

  values(name: string, slice: AxisRange[], options: { gradient: boolean; maxValues: number }): Promise<ValuesResult> {
    return this.client.call('parameterValues', { docId: DOC_ID, name, slice, gradient: options.gradient, maxValues: options.maxValues, bins: 20 });
  }

  /** `param.data()[index] = value` in the engine, then the table again (its statistics changed). */
  async setElement(name: string, index: number[], value: number): Promise<void> {
    await this.client.call('setParameter', { docId: DOC_ID, name, index, value: { fill: value } });
    this.store.getState().setEngine({ notice: { kind: 'info', text: `Set ${name}[${index.join(', ')}] = ${value} in the engine` } });
    await this.refreshTable();
  }

  async saveParameters(path: string, fullNames: boolean): Promise<FileReport> {
    try {
      const r = await this.client.call('saveParameters', { docId: DOC_ID, path, fullNames });
      return { action: 'saved', path: r.path, format: r.format, entries: r.entries, error: null };
    } catch (error) {
      return { action: 'saved', path, format: null, entries: [], error: messageOf(error) };
    }
  }

  async loadParameters(path: string, options: LoadOptions): Promise<FileReport> {
    try {
      const r = await this.client.call('loadParameters', { docId: DOC_ID, path, ...options });
      await this.refreshTable();
      return { action: 'loaded', path: r.path, format: r.format, entries: r.entries, error: null };
    } catch (error) {
      return { action: 'loaded', path, format: null, entries: entriesOf(error), error: messageOf(error) };
    }
  }

  /**
   * Another framework's weights (PyTorch / Gluon names) against the model: the mapping only, or
   * with `apply` the matched values set. Entries: read (matched, not yet set), loaded (set),
   * missing, extra (unexpected), shape-mismatch; each says which parameter or key it pairs with.
   */
  async mapForeignWeights(path: string, options: LoadOptions & { apply?: boolean }): Promise<FileReport> {
    const action = options.apply ? 'applied' : 'mapped';
    try {
      const r = await this.client.call('mapForeignWeights', { docId: DOC_ID, path, ...options });
      if (options.apply) await this.refreshTable();
      return { action, path: r.path, format: null, entries: mappingEntries(r, options.apply === true), error: null };
    } catch (error) {
      const mapping = (error as { details?: { mapping?: MethodResult<'mapForeignWeights'> } } | undefined)?.details?.mapping;
      return { action, path, format: null, entries: mapping ? mappingEntries({ ...mapping, path, applied: 0 }, false) : [], error: messageOf(error) };
    }
  }

  /** The arrays of a file: names, shapes and dtypes only (values stay in the engine). */
  listArrays(path: string): Promise<ArraysListing> {
    return this.client.call('loadArrays', { path, maxValues: 0 });
  }

  /** Run's input from now on: an array of a file (null: random input again). */
  useAsRunInput(choice: { path: string; name: string; shape: number[] } | null): void {
    this.store.getState().setEngine({ runInput: choice });
  }
}

const services = new WeakMap<ServiceClient, ParameterService>();

/** The one parameter service of a client. */
export function parametersFor(store: EditorStore, client: ServiceClient): ParameterService {
  let service = services.get(client);
  if (!service) {
    service = new ParameterService(store, client);
    services.set(client, service);
  }
  return service;
}

interface DesktopDialogs {
  invoke(
    channel: 'app:open-file' | 'app:save-file',
    payload?: { title?: string; defaultPath?: string; filters?: { name: string; extensions: string[] }[] },
  ): Promise<unknown>;
}

/**
 * The desktop shell's native file dialog (Electron's preload exposes window.api.invoke), or null
 * in a browser, where the path is typed in (the engine, not the browser, opens the file).
 */
export function desktopDialogs(): DesktopDialogs | null {
  if (typeof window === 'undefined') return null;
  const api = (window as { api?: Partial<DesktopDialogs> }).api;
  return typeof api?.invoke === 'function' ? (api as DesktopDialogs) : null;
}

export const ARRAY_FILE_FILTERS = [{ name: 'Array and parameter files', extensions: ['params', 'npy', 'npz', 'safetensors'] }];
