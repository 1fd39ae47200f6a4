// The bottom panel: Problems, Parameters and Training tabs. Its top edge is a handle: drag it (or
// focus it and press ↑ / ↓) to resize, double-click it or press the Maximize button to give the
// panel the window but a strip of canvas. The size is remembered (panel-size.ts).
import { useStore } from 'zustand';
import type { KeyboardEvent, PointerEvent } from 'react';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { panelSize, setPanelHeight, toggleMaximized } from './panel-size.ts';
import { ParameterPanel } from './ParameterPanel.tsx';
import { ProblemsPanel } from './ProblemsPanel.tsx';
import { TrainingPanel } from './TrainingPanel.tsx';

/** How far one arrow key press moves the edge. */
const KEY_STEP = 40;

function ResizeHandle() {
  const { height, maximized } = useStore(panelSize);
  const startDrag = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    const move = (e: globalThis.PointerEvent) => setPanelHeight(window.innerHeight - e.clientY);
    const stop = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', stop);
      handle.removeEventListener('pointercancel', stop);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', stop);
    handle.addEventListener('pointercancel', stop);
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'ArrowUp') setPanelHeight(height + KEY_STEP);
    else if (event.key === 'ArrowDown') setPanelHeight(height - KEY_STEP);
    else if (event.key === 'Enter') toggleMaximized();
    else return;
    event.preventDefault();
  };
  return (
    <div
      className="panel-resize"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the bottom panel"
      tabIndex={0}
      aria-valuenow={maximized ? undefined : height}
      data-testid="panel-resize"
      title="Drag to resize; double-click to maximize or restore"
      onPointerDown={startDrag}
      onDoubleClick={toggleMaximized}
      onKeyDown={onKey}
    />
  );
}

export function BottomPanel() {
  const { store } = useEditorHandles();
  const tab = useEditor((s) => s.bottomTab);
  const problemCount = useEditor((s) => s.problems.length);
  const paramCount = useEditor((s) => s.parameters?.length);
  const trainingPhase = useEditor((s) => s.training.phase);
  const maximized = useStore(panelSize, (s) => s.maximized);
  return (
    <section className="bottom-panel" aria-label="Problems, parameters and training">
      <ResizeHandle />
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'problems'} onClick={() => store.getState().setUi({ bottomTab: 'problems' })}>
          Problems {problemCount > 0 && <span className="count">{problemCount}</span>}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'parameters'} onClick={() => store.getState().setUi({ bottomTab: 'parameters' })}>
          Parameters {paramCount !== undefined && <span className="count">{paramCount}</span>}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'training'} onClick={() => store.getState().setUi({ bottomTab: 'training' })}>
          Training {trainingPhase !== 'idle' && <span className="count">{trainingPhase}</span>}
        </button>
        <span className="tabs-spacer" />
        <button
          type="button"
          className="panel-maximize"
          aria-pressed={maximized}
          onClick={toggleMaximized}
          title={maximized ? 'Restore the panel to its size' : 'Give the panel the window (the canvas keeps a strip)'}
        >
          {maximized ? 'Restore' : 'Maximize'}
        </button>
      </div>
      <div className="tab-body">{tab === 'problems' ? <ProblemsPanel /> : tab === 'parameters' ? <ParameterPanel /> : <TrainingPanel />}</div>
    </section>
  );
}
