// A container's log, followed live through pods/log?follow=true (a stream the server keeps open).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, streamLines, type Obj } from './api.js';
import { Failure } from './widgets.js';

const MAX_LINES = 5000;

export function PodLogs({ pod, container }: { pod: Obj; container: string }) {
  const [follow, setFollow] = useState(true);
  const [error, setError] = useState<ApiError>();
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = pre.current!;
    el.textContent = '';
    setError(undefined);
    const ctl = new AbortController();
    const q = new URLSearchParams({ container, tailLines: '500' });
    if (follow) q.set('follow', 'true');
    const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/log?${q}`;
    streamLines(path, ctl.signal, line => {
      el.appendChild(document.createTextNode(line + '\n'));
      while (el.childNodes.length > MAX_LINES) el.firstChild!.remove();
      el.scrollTop = el.scrollHeight;
    }).catch(err => { if (!ctl.signal.aborted) setError(err instanceof ApiError ? err : new ApiError(0, String(err))); });
    return () => ctl.abort();
  }, [pod.metadata.uid, container, follow]);
  return (
    <section class="logs">
      <h3>Logs <label><input type="checkbox" name="follow" checked={follow} onChange={e => setFollow((e.target as HTMLInputElement).checked)} /> follow</label></h3>
      {error && <Failure error={error} what="this pod's log" />}
      <pre ref={pre} data-testid="logs" />
    </section>
  );
}
