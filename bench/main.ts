// `npm run bench -- <name> [flags]`: runs one benchmark and prints its JSON figures.
import { parseFlags } from '../src/cli/flags.js';
import { apiBench } from './api.js';

const BENCHES: Record<string, (args: string[]) => Promise<Record<string, unknown>>> = {
  async api(args) {
    const { flags } = parseFlags(args, {
      kubeconfig: { type: 'string', help: 'kubeconfig of the API server to load' },
      objects: { type: 'int', default: 10_000, help: 'ConfigMaps to create' },
      concurrency: { type: 'int', default: 16, help: 'concurrent clients' },
      watchers: { type: 'int', default: 100, help: 'concurrent watchers' },
      'watch-updates': { type: 'int', default: 100, help: 'updates observed by the watchers' },
    });
    if (!flags.kubeconfig) throw new Error('api: --kubeconfig FILE is required');
    return apiBench({
      kubeconfig: String(flags.kubeconfig), objects: Number(flags.objects), concurrency: Number(flags.concurrency),
      watchers: Number(flags.watchers), watchUpdates: Number(flags['watch-updates']),
    });
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [flags]\n`);
    process.exit(2);
  }
  const result = await bench(args);
  process.stdout.write(JSON.stringify({ bench: name, ...result }, null, 2) + '\n');
}

main().catch(err => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
