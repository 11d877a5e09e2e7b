// Search over the cluster's collected container logs (GET /logs/v1/search), also of deleted pods:
// a query and an optional namespace, results newest first with their pod, container and time; the
// server's `continue` token fetches the next (older) page. The server shows only namespaces where
// the user may get pods/log.
import { useState } from 'preact/hooks';
import type { LogPage, LogResult } from '../../src/storage/logs/log-store.js';
import { ApiError, request } from './api.js';
import { Failure, Table } from './widgets.js';

const PAGE_SIZE = 100;

export function LogSearch() {
  const [query, setQuery] = useState('');
  const [namespace, setNamespace] = useState('');
  const [results, setResults] = useState<LogResult[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const fetchPage = async (token?: string) => {
    const q = new URLSearchParams({ q: query.trim(), limit: String(PAGE_SIZE) });
    if (namespace.trim()) q.set('namespace', namespace.trim());
    if (token) q.set('continue', token);
    setBusy(true);
    setError(undefined);
    try {
      const page = await request<LogPage>('GET', `/logs/v1/search?${q}`);
      setResults(prev => (token ? [...(prev ?? []), ...page.items] : page.items));
      setNext(page.continue);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="log-search">
      <h2>Log search</h2>
      <form class="inline" onSubmit={e => { e.preventDefault(); void fetchPage(); }}>
        <input name="q" placeholder="words every line must hold" value={query} onInput={e => setQuery((e.target as HTMLInputElement).value)} />
        <input name="namespace" placeholder="namespace (all)" value={namespace} onInput={e => setNamespace((e.target as HTMLInputElement).value)} />
        <button type="submit" disabled={busy}>Search</button>
      </form>
      {error && <Failure error={error} what={namespace.trim() ? `the logs of namespace ${namespace.trim()}` : 'these logs'} />}
      {results && !results.length && <p class="empty">No lines found.</p>}
      {results && results.length > 0 && (
        <div data-testid="log-results">
          <Table head={['Time', 'Namespace', 'Pod', 'Container', 'Line']} rows={results.map(r => [r.time, r.namespace, r.pod, r.container, <code class={r.stream}>{r.line}</code>])} />
        </div>
      )}
      {next && <button name="older" disabled={busy} onClick={() => void fetchPage(next)}>Older lines</button>}
    </section>
  );
}
