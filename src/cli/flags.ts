// Command-line flags: `--name value`, `--name=value` and bare booleans, checked against a spec so
// a typo is one clear error line instead of silently ignored.
import { errorMessage } from '../util/error-message.js';
import { parseGoDuration } from '../util/go-duration.js';

export type FlagType = 'string' | 'int' | 'bool';

export interface FlagSpec {
  type: FlagType;
  default?: string | number | boolean;
  help: string;
}

export type FlagValues = Record<string, string | number | boolean | undefined>;

export class FlagError extends Error {}

/**
 * A duration flag in milliseconds, read as upstream's duration flags are (pflag's DurationVar, that
 * is Go's time.ParseDuration): "90s", "1h30m", "1.5h", "0"; a bare number other than 0 has no unit
 * and is refused, as Go refuses it. Never negative.
 */
export function durationFlagMs(flags: FlagValues, name: string): number {
  const text = String(flags[name]);
  let ns: bigint;
  try {
    ns = parseGoDuration(text);
  } catch (err) {
    throw new FlagError(`invalid value "${text}" for --${name}: ${errorMessage(err)}`);
  }
  if (ns < 0n) throw new FlagError(`invalid value "${text}" for --${name}: must not be negative`);
  return Number(ns / 1_000_000n);
}

export function parseFlags(args: string[], spec: Record<string, FlagSpec>): { flags: FlagValues; rest: string[] } {
  const flags: FlagValues = {};
  for (const [name, s] of Object.entries(spec)) flags[name] = s.default;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      rest.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const s = spec[name];
    if (!s) throw new FlagError(`unknown flag: --${name}`);
    let raw: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (s.type === 'bool') {
      if (raw !== undefined && raw !== 'true' && raw !== 'false') throw new FlagError(`invalid value "${raw}" for --${name}: must be true or false`);
      flags[name] = raw === undefined ? true : raw === 'true';
      continue;
    }
    if (raw === undefined) {
      raw = args[++i];
      if (raw === undefined) throw new FlagError(`flag needs an argument: --${name}`);
    }
    if (s.type === 'int') {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new FlagError(`invalid value "${raw}" for --${name}: must be an integer`);
      flags[name] = n;
    } else {
      flags[name] = raw;
    }
  }
  return { flags, rest };
}

/**
 * A command's flags, positional arguments refused; undefined when --help asked for the usage,
 * which is then printed.
 */
export function commandFlags(command: string, summary: string, args: string[], spec: Record<string, FlagSpec>): FlagValues | undefined {
  const { flags, rest } = parseFlags(args, spec);
  if (flags.help) {
    console.log(usage(command, summary, spec));
    return undefined;
  }
  if (rest.length) throw new FlagError(`unexpected argument: ${rest[0]}`);
  return flags;
}

export function usage(command: string, summary: string, spec: Record<string, FlagSpec>): string {
  const lines = [`Usage: k8ts ${command} [flags]`, '', summary, '', 'Flags:'];
  for (const [name, s] of Object.entries(spec)) {
    lines.push(`  --${name}${s.type === 'bool' ? '' : ' ' + s.type}\t${s.help}${s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : ''}`);
  }
  return lines.join('\n');
}
