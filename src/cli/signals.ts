// Long-running commands stop gracefully on the signals a terminal or a service manager sends.
export function waitForSignal(): Promise<void> {
  return new Promise(resolve => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
