// The persistent notice while the engine's connection is down (it stays until the socket is back;
// the status line's notices come and go under it).
import { useEditor } from '../store/editor-context.tsx';

export function ConnectionBanner() {
  const lost = useEditor((s) => s.connectionLost);
  if (!lost) return null;
  return (
    <div className="connection-lost" role="alert" data-testid="connection-lost">
      {lost.text}
    </div>
  );
}
