// Whether a Service-backed APIService is Available, decided as upstream's remote
// AvailableConditionController decides it: the Service exists, listens on the port, has ready
// endpoints for that port, and its server answers discovery for the group-version. Pure: the
// discovery request itself is made by discovery-check.ts.
import { isTrue } from '../../api/conditions.js';
import type { APIService, APIServiceCondition, EndpointSlice, Service } from '../../api/types/generated.js';

/** A Service-backed APIService whose server answered its availability check: one whose documents are published. */
export function availableRemote(a: APIService): boolean {
  return !!a.spec?.service && isTrue(a.status?.conditions, 'Available');
}

/** The first check that fails, or undefined when only the discovery request is left to make. */
export function preflightCondition(apiService: APIService, service: Service | undefined, slices: EndpointSlice[]): APIServiceCondition | undefined {
  const ref = apiService.spec?.service;
  if (!ref) return undefined;
  const where = `service/${ref.name} in ${JSON.stringify(ref.namespace)}`;
  if (!service) return unavailable('ServiceNotFound', `${where} is not present`);
  // Only a ClusterIP Service is known to listen on its ports through endpoints.
  if ((service.spec?.type ?? 'ClusterIP') !== 'ClusterIP') return undefined;
  const port = ref.port ?? 443;
  const servicePort = (service.spec?.ports ?? []).find(p => p.port === port);
  if (!servicePort) return unavailable('ServicePortError', `${where} is not listening on port ${port}`);
  if (!slices.length) return unavailable('EndpointsNotFound', `cannot find endpointslices for ${where}`);
  const portName = servicePort.name ?? '';
  const ready = slices.some(s => s.endpoints.some(e => e.conditions?.ready !== false) && (s.ports ?? []).some(p => (p.name ?? '') === portName && p.port !== undefined));
  if (!ready) return unavailable('MissingEndpoints', `endpointslices for ${where} have no addresses with port name ${JSON.stringify(portName)}`);
  return undefined;
}

/** After the discovery request: its error, or every check passed. */
export function discoveryCondition(error: string | undefined): APIServiceCondition {
  return error ? unavailable('FailedDiscoveryCheck', error) : { type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed' };
}

function unavailable(reason: string, message: string): APIServiceCondition {
  return { type: 'Available', status: 'False', reason, message };
}
