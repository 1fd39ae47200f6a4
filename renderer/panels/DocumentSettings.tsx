// The document's settings: title, input shape and dtype, device (with the engine's reason when
// there is no GPU) and seed.
import { useEffect, useState } from 'react';
import type { InputSpec } from '../../engine/protocol/graph-document.ts';
import { setDocumentFields } from '../graph/document-ops.ts';
import { parseShape, shapeInputText } from '../graph/shape-text.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

const DTYPES: InputSpec['dtype'][] = ['float32', 'float64', 'int32', 'int64', 'uint8'];

export function DocumentSettings() {
  const { store } = useEditorHandles();
  const doc = useEditor((s) => s.document);
  const devices = useEditor((s) => s.devices);
  const [shape, setShape] = useState(shapeInputText(doc.input.shape));
  const [title, setTitle] = useState(doc.title ?? '');
  useEffect(() => setTitle(doc.title ?? ''), [doc.title]);
  useEffect(() => setShape(shapeInputText(doc.input.shape)), [doc.input.shape]);
  const shapeOk = parseShape(shape) !== null;
  const edit = (fields: Parameters<typeof setDocumentFields>[1]) => store.getState().commit(setDocumentFields(store.getState().document, fields));
  const applyShape = () => {
    const dims = parseShape(shape);
    if (dims && dims.join() !== doc.input.shape.join()) edit({ input: { ...doc.input, shape: dims } });
  };
  return (
    <div className="inspector-body" data-testid="document-settings">
      <header className="inspector-head">
        <span>Document</span>
      </header>
      <label className="field">
        <span>title</span>
        <input
          aria-label="Title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          onBlur={() => title !== (doc.title ?? '') && edit({ title })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
          }}
        />
      </label>
      <label className="field">
        <span>input shape</span>
        <input
          className="mono"
          aria-label="Input shape"
          value={shape}
          aria-invalid={!shapeOk}
          placeholder="e.g. 2×20"
          onChange={(e) => setShape(e.target.value)}
          onBlur={applyShape}
          onKeyDown={(e) => {
            if (e.key === 'Enter') applyShape();
          }}
        />
        <em className="hint">{shapeOk ? '-1 = known only at run time' : 'dims are positive integers or -1, e.g. 2×20'}</em>
      </label>
      <label className="field">
        <span>dtype</span>
        <select value={doc.input.dtype} onChange={(e) => edit({ input: { ...doc.input, dtype: e.target.value as InputSpec['dtype'] } })}>
          {DTYPES.map((d) => (
            <option key={d}>{d}</option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>device</span>
        <select aria-label="Device" value={doc.device} onChange={(e) => edit({ device: e.target.value })}>
          <option value="cpu">cpu</option>
          {devices?.devices
            .filter((d) => d.type === 'gpu')
            .map((d) => (
              <option key={d.name} value={`gpu:${d.index}`}>
                {d.name}
              </option>
            ))}
        </select>
        {devices?.gpuReason && (
          // One line; the engine's full reason (driver, toolkit, build) on demand.
          <details className="hint gpu-reason" data-testid="gpu-reason">
            <summary>No GPU here: runs on the CPU</summary>
            <p>{devices.gpuReason}</p>
          </details>
        )}
      </label>
      <label className="field">
        <span>seed</span>
        <input type="number" min={0} step={1} value={doc.seed} onChange={(e) => edit({ seed: Math.max(0, Math.trunc(Number(e.target.value) || 0)) })} />
      </label>
    </div>
  );
}
