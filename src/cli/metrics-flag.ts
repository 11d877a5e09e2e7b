// `--metrics-bind-address HOST:PORT` of the standalone control-plane commands: where their /metrics
// (and /healthz) is served over plain HTTP. Empty: not served (embedded in `k8ts server`, the
// controllers' and the scheduler's series are in the API server's /metrics instead).
import type { Server } from 'node:http';
import { listenMetrics, type Registry } from '../metrics/registry.js';
import type { Logger } from '../util/log.js';
import { FlagError, type FlagSpec } from './flags.js';

export const METRICS_BIND_ADDRESS_FLAG: FlagSpec = {
  type: 'string', default: '', help: 'HOST:PORT serving /metrics and /healthz over HTTP (e.g. 127.0.0.1:10257); empty: none',
};

/** Listens when the flag is set; a malformed value is a FlagError. */
export function serveMetricsFlag(value: string, registry: Registry, log: Logger): Server | undefined {
  if (!value) return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new FlagError(`invalid value "${value}" for --metrics-bind-address: must be HOST:PORT`);
  const host = m[1] ?? (m[2] || '0.0.0.0');
  return listenMetrics(registry, host, port, err => log('metrics server failed', { address: value, error: err.message }));
}
