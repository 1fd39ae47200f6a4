// The Training tab's Generate section, shown when the data is a text file: prompt, length,
// temperature and seed, and the text the trained character model samples (generateText), with the
// prompt set apart from what the model wrote.
import { useState } from 'react';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { trainingFor, type Generated } from '../services/training-session.ts';
import { isActive } from '../training/training-model.ts';

function messageOf(error: unknown): string {
  return (error as { message?: string } | undefined)?.message ?? String(error);
}

/** The request's numbers from the fields, or the first field that is not valid. */
function parseFields(length: string, temperature: string, seed: string): { length: number; temperature: number; seed: number } | string {
  const n = Number(length);
  if (!Number.isInteger(n) || n < 1 || n > 10000) return 'length must be a whole number of characters in 1 … 10000';
  const t = Number(temperature);
  if (temperature.trim() === '' || !Number.isFinite(t) || t <= 0 || t > 100) return "temperature must be > 0 (1: the model's own distribution)";
  const s = Number(seed);
  if (!Number.isInteger(s) || s < 0 || s >= 2 ** 31) return 'seed must be a whole number ≥ 0';
  return { length: n, temperature: t, seed: s };
}

export function GenerateSection({ engineReady }: { engineReady: boolean }) {
  const { store, session } = useEditorHandles();
  const phase = useEditor((s) => s.training.phase);
  const textPath = useEditor((s) => s.trainingForm.dataPath);
  const [prompt, setPrompt] = useState('the ');
  const [length, setLength] = useState('200');
  const [temperature, setTemperature] = useState('0.8');
  const [seed, setSeed] = useState('0');
  const [result, setResult] = useState<Generated | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const generate = async () => {
    const fields = parseFields(length, temperature, seed);
    if (typeof fields === 'string') {
      setError(fields);
      return;
    }
    if (prompt === '') {
      setError('prompt: type at least one character');
      return;
    }
    setBusy(true);
    try {
      const text = textPath.trim();
      setResult(await trainingFor(store, session).generateText({ prompt, ...fields, ...(text ? { textFile: text } : {}) }));
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const field = (label: string, value: string, set: (v: string) => void, wide = false) => (
    <label className={`field${wide ? ' wide' : ''}`}>
      <span>{label}</span>
      <input className="mono" aria-label={label} value={value} onChange={(e) => set(e.target.value)} />
    </label>
  );
  return (
    <div className="training-generate" data-testid="generate-section">
      <h4>Generate</h4>
      <div className="training-settings">
        {field('prompt', prompt, setPrompt, true)}
        {field('length', length, setLength)}
        {field('temperature', temperature, setTemperature)}
        {field('seed', seed, setSeed)}
        <button
          type="button"
          className="primary"
          onClick={() => void generate()}
          disabled={busy || !engineReady || isActive(phase)}
          title="Sample characters one by one from the trained model, after the prompt"
        >
          Generate
        </button>
      </div>
      {error && (
        <p className="field-error" data-testid="generate-error">
          {error}
        </p>
      )}
      {result && (
        <pre
          className="generated-text mono"
          data-testid="generated-text"
          title={`vocabulary of ${result.vocabularySize} characters from ${result.vocabularyFrom}; context ${result.context}`}
        >
          <span className="generated-prompt">{result.text.slice(0, result.text.length - result.generated.length)}</span>
          {result.generated}
        </pre>
      )}
    </div>
  );
}
