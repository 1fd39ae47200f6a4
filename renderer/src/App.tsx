// Placeholder page until the canvas editor lands: names the app and shows where it is running.
import { useEffect, useState } from 'react';
import { desktopApi } from './desktop-api.ts';

function useHostStatus(): string {
  const [status, setStatus] = useState('starting…');
  useEffect(() => {
    const api = desktopApi();
    if (api === undefined) {
      setStatus(`Running in the browser · served from ${window.location.host || 'a file'}`);
      return;
    }
    api.invoke('app:version').then(
      (version) => setStatus(`Running in the desktop app · version ${version}`),
      (error: unknown) => setStatus(`Desktop app, but its API failed: ${String(error)}`),
    );
  }, []);
  return status;
}

export function App() {
  const status = useHostStatus();
  return (
    <main className="placeholder">
      <h1>Blocksmith</h1>
      <p>Compose neural networks by wiring blocks on a canvas. The editor is coming soon.</p>
      <p className="status" role="status" data-testid="status">
        {status}
      </p>
    </main>
  );
}
