// Nodes with their capacity and, when the server offers metrics.k8s.io, CPU and memory usage
// plotted over time (uPlot). Resource metrics cannot be watched (metrics.k8s.io serves get and
// list only), so usage is sampled at the metrics' own resolution; everything else is watched.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { request, type Obj } from './api.js';
import { useWatch } from './use-watch.js';
import { Failure, Table, age } from './widgets.js';
import { parseMilli } from '../../src/api/quantity.js';

/** A quantity as a plain number (for plotting; precision beyond a milli-unit does not matter here). */
const amount = (q: string): number => Number(parseMilli(q)) / 1000;

const SAMPLE_MS = 15_000;
const KEEP = 240;

interface Series { t: number[]; cpu: number[]; mem: number[] }

export function NodesView() {
  const { items, error, loaded } = useWatch('/api/v1/nodes');
  const [metrics, setMetrics] = useState<'unknown' | 'absent' | 'present'>('unknown');
  const [usage, setUsage] = useState<Record<string, Series>>({});
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let seen = false;
    const sample = async () => {
      try {
        const list = await request('GET', '/apis/metrics.k8s.io/v1beta1/nodes');
        setMetrics('present');
        seen = true;
        const now = Date.now() / 1000;
        setUsage(prev => {
          const next = { ...prev };
          for (const m of list.items as Obj[]) {
            const s = next[m.metadata.name] ?? { t: [], cpu: [], mem: [] };
            next[m.metadata.name] = {
              t: [...s.t, now].slice(-KEEP),
              cpu: [...s.cpu, amount(m.usage.cpu)].slice(-KEEP),
              mem: [...s.mem, amount(m.usage.memory) / 2 ** 20].slice(-KEEP),
            };
          }
          return next;
        });
      } catch {
        // Absent from the start: say so and stop asking; once seen, a failed sample is skipped.
        if (!seen) { setMetrics('absent'); return; }
      }
      if (!stopped) timer = setTimeout(sample, SAMPLE_MS);
    };
    sample();
    return () => { stopped = true; clearTimeout(timer); };
  }, []);
  if (error) return <Failure error={error} what="nodes" />;
  if (!loaded) return <p>Loading…</p>;
  return (
    <section>
      <h2>Nodes</h2>
      <Table head={['Name', 'Ready', 'CPU (capacity / allocatable)', 'Memory (capacity / allocatable)', 'Pods', 'Age']} rows={items.map(n => [
        n.metadata.name,
        n.status?.conditions?.find((c: any) => c.type === 'Ready')?.status ?? 'Unknown',
        `${n.status?.capacity?.cpu ?? '?'} / ${n.status?.allocatable?.cpu ?? '?'}`,
        `${n.status?.capacity?.memory ?? '?'} / ${n.status?.allocatable?.memory ?? '?'}`,
        n.status?.allocatable?.pods ?? '',
        age(n),
      ])} />
      {metrics === 'absent' && <p class="hint">This server offers no metrics.k8s.io API, so only capacity is shown.</p>}
      {metrics === 'present' && items.map(n => usage[n.metadata.name] && <UsagePlot key={n.metadata.name} name={n.metadata.name} series={usage[n.metadata.name]} allocatableCpu={amount(n.status?.allocatable?.cpu ?? '0')} />)}
    </section>
  );
}

function UsagePlot({ name, series, allocatableCpu }: { name: string; series: Series; allocatableCpu: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  useEffect(() => {
    plot.current = new uPlot({
      title: `${name}: usage (allocatable CPU ${allocatableCpu} cores)`,
      width: 640, height: 200,
      scales: { cpu: { range: [0, Math.max(allocatableCpu, 0.1)] }, mem: {} },
      series: [{}, { label: 'CPU (cores)', scale: 'cpu', stroke: '#1f6feb' }, { label: 'memory (MiB)', scale: 'mem', stroke: '#d1242f' }],
      axes: [{}, { scale: 'cpu' }, { scale: 'mem', side: 1, grid: { show: false } }],
    }, [[], [], []], host.current!);
    return () => plot.current?.destroy();
  }, [name, allocatableCpu]);
  useEffect(() => { plot.current?.setData([series.t, series.cpu, series.mem]); }, [series]);
  return <div ref={host} class="plot" />;
}
