// The "Why" panel of pod, Deployment and Service pages: the why API's explanation (why.k8ts.io) —
// the verdict line, then each section's findings. It is asked again when the object changes and
// every few seconds, since what explains an object (events, its pods, its ReplicaSets) changes
// without the object itself changing.
import { useEffect, useState } from 'preact/hooks';
import type { Explanation } from '../../src/api/why.js';
import { ApiError, request, type Obj } from './api.js';
import { objectPath, type Kind } from './resources.js';
import { Failure, Table } from './widgets.js';

const EXPLAINED = new Set(['Pod', 'Deployment', 'Service']);
const REFRESH_MS = 5000;

export function WhyPanel({ k, obj }: { k: Kind; obj: Obj }) {
  const [explanation, setExplanation] = useState<Explanation>();
  const [error, setError] = useState<ApiError>();
  const path = `/apis/why.k8ts.io/v1alpha1${objectPath(k, obj.metadata.name, obj.metadata.namespace)}`;
  useEffect(() => {
    if (!EXPLAINED.has(k.kind)) return;
    const load = () => request<Explanation>('GET', path).then(e => { setExplanation(e); setError(undefined); }, err => {
      // A 404 is an object deleted under us: the page says so already.
      if (err instanceof ApiError && err.code !== 404) setError(err);
    });
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [path, obj.metadata.resourceVersion]);
  if (!EXPLAINED.has(k.kind)) return null;
  if (error) return <section class="why" data-testid="why"><h3>Why</h3><Failure error={error} what={`why this ${k.kind} is as it is`} /></section>;
  if (!explanation) return null;
  return (
    <section class="why" data-testid="why">
      <h3>Why</h3>
      <p class={`verdict ${explanation.severity}`} data-testid="why-summary">{explanation.summary}</p>
      {explanation.sections.map(s => (
        <div key={s.title}>
          <h4>{s.title}</h4>
          <Table head={['', 'About', 'Finding', 'Detail']} rows={s.findings.map(f => [
            <span class={`severity ${f.severity}`}>{f.severity}</span>, f.subject ?? '', f.text, f.detail ?? '',
          ])} />
        </div>
      ))}
    </section>
  );
}
