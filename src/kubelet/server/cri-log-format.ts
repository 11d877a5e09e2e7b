// The CRI container log format, as containerd writes it: one line per write,
// `<RFC3339Nano time> <stdout|stderr> <P|F>[:more tags] <content>\n`. `P` marks a partial line (the
// runtime split a long line); the line goes on in the next record. Upstream's reader is
// pkg/kubelet/kuberuntime/logs/logs.go.

export type LogStream = 'stdout' | 'stderr';

export interface CriLogRecord {
  /** The timestamp as written (RFC 3339 with up to nanoseconds, any zone offset). */
  time: string;
  /** Milliseconds since the epoch, for `since` filtering. */
  timeMs: number;
  stream: LogStream;
  partial: boolean;
  /** Content; a full record keeps its newline, a partial one does not. */
  content: Buffer;
}

export class CriLogParseError extends Error {
  constructor(readonly line: string, why: string) {
    super(`invalid CRI log line ${JSON.stringify(line.slice(0, 80))}: ${why}`);
  }
}

const TIME_RE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** Parses one raw record (with or without its trailing newline). */
export function parseCriLogLine(line: Buffer): CriLogRecord {
  const sp1 = line.indexOf(0x20);
  if (sp1 < 0) throw new CriLogParseError(line.toString(), 'timestamp is not found');
  const time = line.subarray(0, sp1).toString('latin1');
  const timeMs = parseRfc3339Ms(time);
  if (Number.isNaN(timeMs)) throw new CriLogParseError(line.toString(), `unexpected timestamp format ${JSON.stringify(time)}`);
  const sp2 = line.indexOf(0x20, sp1 + 1);
  if (sp2 < 0) throw new CriLogParseError(line.toString(), 'stream type is not found');
  const stream = line.subarray(sp1 + 1, sp2).toString('latin1');
  if (stream !== 'stdout' && stream !== 'stderr') throw new CriLogParseError(line.toString(), `unexpected stream type ${JSON.stringify(stream)}`);
  const sp3 = line.indexOf(0x20, sp2 + 1);
  if (sp3 < 0) throw new CriLogParseError(line.toString(), 'log tag is not found');
  const tag = line.subarray(sp2 + 1, sp3).toString('latin1').split(':')[0];
  const partial = tag === 'P';
  let content = line.subarray(sp3 + 1);
  if (partial && content.length && content[content.length - 1] === 0x0a) content = content.subarray(0, content.length - 1);
  return { time, timeMs, stream, partial, content };
}

/** RFC 3339 with optional fraction → epoch milliseconds (NaN when malformed). */
export function parseRfc3339Ms(text: string): number {
  const m = TIME_RE.exec(text);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + Math.floor(Number((frac + '000').slice(0, 3)));
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return ms;
}

/** Go's RFC3339Nano rendering of a timestamp: the fraction without trailing zeros, zone kept
 *  (Go's `Z07:00` prints a zero offset as `Z`). */
export function formatRfc3339Nano(time: string): string {
  const m = TIME_RE.exec(time);
  if (!m) return time;
  const frac = (m[7] ?? '').replace(/0+$/, '');
  const zone = m[8] === '+00:00' || m[8] === '-00:00' ? 'Z' : m[8];
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${frac ? '.' + frac : ''}${zone}`;
}
