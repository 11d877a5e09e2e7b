// Whole log lines out of a chunk of a CRI log file, for shipping: records up to the last newline,
// partial (`P`) records joined with the record that ends them (upstream's reader joins them the same
// way), and how many bytes of the chunk those lines used — the file offset the shipper may move to.
// A line whose records are not all in the chunk yet is left for the next read.
import type { LogLine } from '../../storage/logs/log-store.js';
import { parseCriLogLine } from '../server/cri-log-format.js';

export interface ParsedChunk {
  lines: LogLine[];
  /** Bytes of the chunk holding those lines (and any unparsable records among them). */
  consumed: number;
}

export interface ChunkOptions {
  /** Stop after this many lines. */
  maxLines?: number;
  /**
   * End a line split into partial records at the chunk's last record when no whole line fits, so
   * a line longer than what the shipper reads at once still moves on (in pieces).
   */
  forceProgress?: boolean;
}

export function parseCriChunk(chunk: Buffer, o: ChunkOptions = {}): ParsedChunk {
  const maxLines = o.maxLines ?? Infinity;
  const lines: LogLine[] = [];
  let consumed = 0;
  let pending: { parts: Buffer[]; timeMs: number; stream: LogLine['stream'] } | undefined;
  let pos = 0;
  for (;;) {
    if (lines.length >= maxLines) break;
    const nl = chunk.indexOf(0x0a, pos);
    if (nl < 0) break;
    const raw = chunk.subarray(pos, nl + 1);
    pos = nl + 1;
    let rec;
    try {
      rec = parseCriLogLine(raw);
    } catch {
      // Not a CRI record (e.g. a file cut by a crash): skipped, as `kubectl logs` skips it.
      if (!pending) consumed = pos;
      continue;
    }
    pending ??= { parts: [], timeMs: rec.timeMs, stream: rec.stream };
    pending.parts.push(rec.content);
    if (rec.partial) continue;
    lines.push(toLine(pending));
    pending = undefined;
    consumed = pos;
  }
  if (pending && !lines.length && o.forceProgress) {
    lines.push(toLine(pending));
    consumed = pos;
  }
  return { lines, consumed };
}

function toLine(p: { parts: Buffer[]; timeMs: number; stream: LogLine['stream'] }): LogLine {
  let text = (p.parts.length === 1 ? p.parts[0] : Buffer.concat(p.parts)).toString('utf8');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  return { timeMs: p.timeMs, stream: p.stream, line: text };
}
