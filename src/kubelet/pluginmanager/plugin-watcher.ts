// The kubelet's plugin manager (upstream pkg/kubelet/pluginmanager): plugins announce themselves by
// opening a unix socket in `<kubelet root>/plugins_registry/` that serves the plugin-registration
// API. Level-triggered: every second (and at once when the directory changes) the sockets present
// are compared with the plugins registered. A new or replaced socket is asked GetInfo, handed to
// the handler of its type (CSIPlugin, ...) to validate and register, and told the outcome through
// NotifyRegistrationStatus; a failed registration is tried again later. A socket that disappears
// deregisters its plugin.
import { existsSync, lstatSync, mkdirSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { RegistrationClient } from '../../client/csi/client.js';
import type { Logger } from '../../util/log.js';
import { errorMessage } from '../../util/error-message.js';

/** What a plugin type's handler does with plugins of that type (upstream's PluginHandler). */
export interface PluginHandler {
  /** Why the plugin is refused, or undefined to accept it. */
  validate(name: string, endpoint: string, versions: string[]): string | undefined;
  register(name: string, endpoint: string, versions: string[]): Promise<void>;
  deregister(name: string): Promise<void>;
}

export interface PluginWatcherOptions {
  /** `<kubelet root>/plugins_registry`. */
  dir: string;
  /** Handlers by PluginInfo.type. */
  handlers: Record<string, PluginHandler>;
  log: Logger;
  intervalMs?: number;
  /** Wait before trying a socket again after a failed registration. */
  retryAfterMs?: number;
}

interface Registered {
  type: string;
  name: string;
  /** Identity of the socket file: a driver that restarts makes a new one and registers anew. */
  identity: string;
}

export class PluginWatcher {
  private readonly registered = new Map<string, Registered>();
  private readonly failedAt = new Map<string, { identity: string; at: number }>();
  private timer?: NodeJS.Timeout;
  private watcher?: FSWatcher;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(private readonly o: PluginWatcherOptions) {}

  async start(): Promise<void> {
    mkdirSync(this.o.dir, { recursive: true, mode: 0o750 });
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.o.intervalMs ?? 1000);
    try {
      this.watcher = watch(this.o.dir, () => void this.reconcile());
      this.watcher.on('error', () => undefined); // the periodic pass still runs
    } catch {
      // No inotify: the periodic pass is enough.
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.watcher?.close();
    await this.running;
  }

  /** The registered plugins: socket path → type and name. */
  plugins(): Map<string, { type: string; name: string }> {
    return new Map([...this.registered].map(([socket, r]) => [socket, { type: r.type, name: r.name }]));
  }

  /** One pass; a call while a pass runs schedules another right after it. */
  reconcile(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch(err => this.o.log('plugin watcher pass failed', { error: String(err) }));
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private sockets(): Map<string, string> {
    const found = new Map<string, string>();
    if (!existsSync(this.o.dir)) return found;
    for (const name of readdirSync(this.o.dir)) {
      if (name.startsWith('.')) continue; // upstream ignores hidden files
      const path = join(this.o.dir, name);
      try {
        const st = lstatSync(path);
        if (st.isSocket()) found.set(path, `${st.ino}:${st.mtimeMs}`);
      } catch {
        // removed meanwhile
      }
    }
    return found;
  }

  private async pass(): Promise<void> {
    const present = this.sockets();
    for (const [socket, r] of this.registered) {
      if (present.get(socket) === r.identity) continue;
      this.registered.delete(socket);
      this.o.log('plugin socket gone or replaced: deregistering', { socket, type: r.type, name: r.name });
      await this.o.handlers[r.type]?.deregister(r.name).catch(err => this.o.log('plugin deregistration failed', { name: r.name, error: String(err) }));
    }
    for (const [socket, identity] of present) {
      if (this.stopped) return;
      if (this.registered.has(socket)) continue;
      const failed = this.failedAt.get(socket);
      if (failed && failed.identity === identity && Date.now() - failed.at < (this.o.retryAfterMs ?? 5_000)) continue;
      const ok = await this.register(socket, identity);
      if (ok) this.failedAt.delete(socket);
      else this.failedAt.set(socket, { identity, at: Date.now() });
    }
  }

  /** GetInfo → validate → register → NotifyRegistrationStatus; true when registered. */
  private async register(socket: string, identity: string): Promise<boolean> {
    const client = new RegistrationClient(socket, { timeoutMs: 10_000 });
    try {
      let info;
      try {
        info = await client.registration.call('GetInfo', {});
      } catch (err) {
        this.o.log('plugin registration: GetInfo failed', { socket, error: String(err) });
        return false;
      }
      const notify = async (registered: boolean, error = '') => {
        try {
          await client.registration.call('NotifyRegistrationStatus', { pluginRegistered: registered, error });
        } catch (err) {
          this.o.log('plugin registration: NotifyRegistrationStatus failed', { socket, error: String(err) });
        }
      };
      const handler = this.o.handlers[info.type];
      if (!handler) {
        await notify(false, `no handler registered for plugin type: ${info.type} at socket ${socket}`);
        return false;
      }
      const endpoint = info.endpoint || socket;
      const refusal = handler.validate(info.name, endpoint, info.supportedVersions);
      if (refusal) {
        this.o.log('plugin registration refused', { socket, name: info.name, error: refusal });
        await notify(false, `RegisterPlugin error -- plugin validation failed with err: ${refusal}`);
        return false;
      }
      try {
        await handler.register(info.name, endpoint, info.supportedVersions);
      } catch (err) {
        const msg = errorMessage(err);
        this.o.log('plugin registration failed', { socket, name: info.name, error: msg });
        await notify(false, `RegisterPlugin error -- plugin registration failed with err: ${msg}`);
        return false;
      }
      this.registered.set(socket, { type: info.type, name: info.name, identity });
      this.o.log('plugin registered', { socket, type: info.type, name: info.name, endpoint });
      await notify(true);
      return true;
    } finally {
      client.close();
    }
  }
}
