// The admission configuration file (kube-apiserver's --admission-control-config-file): an
// apiserver.config.k8s.io/v1 AdmissionConfiguration whose `plugins` give each plugin its
// configuration, inline (`configuration`) or in a file (`path`, relative to this file's directory).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export class AdmissionConfigError extends Error {}

const API_VERSIONS = ['apiserver.config.k8s.io/v1', 'apiserver.k8s.io/v1alpha1'];

/** Plugin name → its configuration document, for the plugins the file names. */
export type PluginConfigs = Map<string, unknown>;

export function readAdmissionConfig(file: string): PluginConfigs {
  const doc = readDocument(file);
  const configs: PluginConfigs = new Map();
  if (!doc || typeof doc !== 'object') throw new AdmissionConfigError(`${file}: not an AdmissionConfiguration`);
  const { apiVersion, kind, plugins } = doc as { apiVersion?: unknown; kind?: unknown; plugins?: unknown };
  if (kind !== 'AdmissionConfiguration' || !API_VERSIONS.includes(String(apiVersion))) {
    throw new AdmissionConfigError(`${file}: expected kind AdmissionConfiguration of ${API_VERSIONS.join(' or ')}, got ${String(kind)} ${String(apiVersion)}`);
  }
  if (plugins !== undefined && !Array.isArray(plugins)) throw new AdmissionConfigError(`${file}: plugins must be a list`);
  for (const p of (plugins ?? []) as Array<{ name?: unknown; path?: unknown; configuration?: unknown }>) {
    if (typeof p?.name !== 'string' || !p.name) throw new AdmissionConfigError(`${file}: every plugin needs a name`);
    if (p.path !== undefined && p.path !== '') {
      const path = String(p.path);
      configs.set(p.name, readDocument(isAbsolute(path) ? path : join(dirname(file), path)));
    } else {
      configs.set(p.name, p.configuration);
    }
  }
  return configs;
}

function readDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AdmissionConfigError(`unable to read admission control configuration from "${file}" [${(err as NodeJS.ErrnoException).code ?? (err as Error).message}]`);
  }
  try {
    return parseYaml(text);
  } catch (err) {
    throw new AdmissionConfigError(`${file}: ${(err as Error).message}`);
  }
}
