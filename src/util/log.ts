// Structured logs: one JSON line per event on stderr, always naming the component.

export type Logger = (msg: string, fields?: Record<string, unknown>) => void;

export function logger(component: string, level: 'info' | 'error' = 'info'): Logger {
  return (msg, fields) => {
    process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), level, component, msg, ...fields }) + '\n');
  };
}
