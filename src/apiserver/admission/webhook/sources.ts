// The webhook plugins' view of the server: configurations, namespaces, Services and
// EndpointSlices from the registry's watch caches, and each resource's defaults.
import { namespacePrefix } from '../../registry/keys.js';
import type { Registry } from '../../registry/registry.js';
import type { MatchConditions, WebhookSources } from './dispatch.js';
import { namespaceLabelsFrom } from './matching.js';
import type { ServiceResolver } from './client.js';
import { endpointSliceResolver } from './service-resolver.js';

const GROUP = 'admissionregistration.k8s.io';

export function registryWebhookSources(registry: () => Registry, configurationResource: 'mutatingwebhookconfigurations' | 'validatingwebhookconfigurations', matchConditions: MatchConditions): WebhookSources {
  return {
    get catalog() {
      return registry().catalog;
    },
    configurations: () => registry().get(GROUP, configurationResource).cache.list().map(e => e.object),
    namespaceLabels: namespaceLabelsFrom(name => registry().get('', 'namespaces').getCached('', name)?.object),
    resolveService: registryServiceResolver(registry),
    defaults: r => registry().find(r.group, r.version, r.resource)?.strategy.defaults,
    matchConditions,
  };
}

/** Service endpoints from the registry's Service and EndpointSlice caches (webhooks, the aggregator). */
export function registryServiceResolver(registry: () => Registry): ServiceResolver {
  return endpointSliceResolver({
    service: (namespace, name) => registry().get('', 'services').getCached(namespace, name)?.object,
    endpointSlices: namespace => {
      const slices = registry().get('discovery.k8s.io', 'endpointslices');
      return slices.cache.list(namespacePrefix(slices.info, namespace)).map(e => e.object);
    },
  });
}
