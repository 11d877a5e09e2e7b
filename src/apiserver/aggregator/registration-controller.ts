// Runs the local APIService planner (local-apiservices.ts) whenever APIServices or CRDs change, and
// once at start (the only sync that may remove built-in APIServices this server no longer serves).
import { AlreadyExistsError, ConflictError, NotFoundError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { APIService, CustomResourceDefinition } from '../../api/types/generated.js';
import { systemContext } from '../context.js';
import type { Registry } from '../registry/registry.js';
import { desiredLocalAPIServices, planRegistration, type InProcessGroupVersion } from './local-apiservices.js';

export class LocalAPIServiceRegistration {
  private readonly unsubscribe: (() => void)[] = [];
  private firstSync = true;
  private syncing?: Promise<void>;
  private again = false;

  constructor(private readonly registry: Registry, private readonly inProcess: InProcessGroupVersion[], private readonly log?: (msg: string, fields?: Record<string, unknown>) => void) {}

  private get apiServices() {
    return this.registry.get('apiregistration.k8s.io', 'apiservices');
  }

  /** CRDs once this server serves them (the hook upstream's crdRegistrationController is). */
  private get crds() {
    return this.registry.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  }

  /** Syncs once (resolving when done), then on every change. */
  async start(): Promise<void> {
    this.unsubscribe.push(this.apiServices.cache.subscribe(() => this.trigger()));
    const crds = this.crds;
    if (crds) this.unsubscribe.push(crds.cache.subscribe(() => this.trigger()));
    this.trigger();
    await this.syncing;
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** One sync at a time; changes during a sync bring one more. */
  private trigger(): void {
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = this.sync()
      .catch(err => this.log?.('local APIService registration failed', { error: (err as Error).message }))
      .finally(() => {
        this.syncing = undefined;
        if (this.again) {
          this.again = false;
          this.trigger();
        }
      });
  }

  private async sync(): Promise<void> {
    const crds = (this.crds?.cache.list() ?? []).map(c => c.object as unknown as CustomResourceDefinition);
    const want = desiredLocalAPIServices(this.registry.catalog.groups(), crds, this.inProcess);
    const current = this.apiServices.cache.list().map(c => c.object as unknown as APIService);
    const actions = planRegistration(want, current, this.firstSync);
    const ctx = systemContext('system:kube-aggregator');
    for (const a of actions) {
      try {
        if (a.op === 'create') await this.apiServices.create(ctx, '', a.object as KubeObject);
        else if (a.op === 'update') await this.apiServices.update(ctx, '', a.object.metadata?.name ?? '', a.object as KubeObject);
        else await this.apiServices.delete(ctx, '', a.name, { preconditions: { resourceVersion: a.resourceVersion } });
      } catch (err) {
        // Someone else wrote it meanwhile: the event that caused brings another sync.
        if (!(err instanceof AlreadyExistsError || err instanceof ConflictError || err instanceof NotFoundError)) throw err;
      }
    }
    this.firstSync = false;
  }
}
