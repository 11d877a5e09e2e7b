// Scale (through the scale subresource) and rollout restart (the template annotation kubectl sets).
import { useState } from 'preact/hooks';
import { ApiError, request, type Obj } from './api.js';
import { objectPath, type Kind } from './resources.js';

export function ScaleControl({ k, obj }: { k: Kind; obj: Obj }) {
  const [replicas, setReplicas] = useState(String(obj.spec?.replicas ?? 0));
  const [error, setError] = useState('');
  const scale = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      await request('PATCH', `${objectPath(k, obj.metadata.name, obj.metadata.namespace)}/scale`, JSON.stringify({ spec: { replicas: Number(replicas) } }), 'application/merge-patch+json');
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code} ${err.message}` : String(err));
    }
  };
  return (
    <form class="inline scale" onSubmit={scale}>
      <label>Replicas <input name="replicas" type="number" min="0" value={replicas} onInput={ev => setReplicas((ev.target as HTMLInputElement).value)} /></label>
      <button type="submit">Scale</button>
      {error && <span class="error" role="alert">{error}</span>}
    </form>
  );
}

export function RestartButton({ k, obj }: { k: Kind; obj: Obj }) {
  const [error, setError] = useState('');
  const restart = async () => {
    setError('');
    const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
    try {
      await request('PATCH', `${objectPath(k, obj.metadata.name, obj.metadata.namespace)}?fieldManager=k8ts-dashboard`, JSON.stringify(patch), 'application/strategic-merge-patch+json');
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code} ${err.message}` : String(err));
    }
  };
  return <span><button onClick={restart}>Rollout restart</button>{error && <span class="error" role="alert">{error}</span>}</span>;
}
