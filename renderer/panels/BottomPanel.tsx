// The bottom panel: Problems, Parameters and Training tabs.
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { ParameterPanel } from './ParameterPanel.tsx';
import { ProblemsPanel } from './ProblemsPanel.tsx';
import { TrainingPanel } from './TrainingPanel.tsx';

export function BottomPanel() {
  const { store } = useEditorHandles();
  const tab = useEditor((s) => s.bottomTab);
  const problemCount = useEditor((s) => s.problems.length);
  const paramCount = useEditor((s) => s.parameters?.length);
  const trainingPhase = useEditor((s) => s.training.phase);
  return (
    <section className="bottom-panel" aria-label="Problems, parameters and training">
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
      </div>
      <div className="tab-body">{tab === 'problems' ? <ProblemsPanel /> : tab === 'parameters' ? <ParameterPanel /> : <TrainingPanel />}</div>
    </section>
  );
}
