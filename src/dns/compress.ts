// Name compression (RFC 1035 4.1.4) for the messages dns-packet encodes, which writes every name
// in full. Owner names — the question's and each record's — are replaced by a pointer to an
// earlier occurrence of the same name or of a suffix of it; data inside records is copied as it is
// (compressing it is optional). An answer of many addresses shrinks to less than half, so more
// records fit a 512-byte UDP answer before it must be truncated.
const POINTER = 0xc000;
const MAX_POINTER_OFFSET = 0x3fff;

export function compressNames(msg: Buffer): Buffer {
  if (msg.length < 12) return msg;
  const out = Buffer.allocUnsafe(msg.length);
  msg.copy(out, 0, 0, 12);
  let w = 12;
  let r = 12;
  const known = new Map<string, number>();
  const counts = [msg.readUInt16BE(4), msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10)];
  for (let section = 0; section < 2; section++) {
    for (let n = 0; n < counts[section]; n++) {
      const labels: Buffer[] = [];
      for (;;) {
        if (r >= msg.length) return msg;
        const len = msg[r];
        // Already compressed (or malformed): leave the message as it is.
        if (len > 63) return msg;
        if (len === 0) break;
        labels.push(msg.subarray(r, r + len + 1));
        r += len + 1;
      }
      r++;
      w = writeName(out, w, labels, known);
      const fixed = section === 0 ? 4 : 10;
      if (r + fixed > msg.length) return msg;
      const rdLength = section === 0 ? 0 : msg.readUInt16BE(r + 8);
      if (r + fixed + rdLength > msg.length) return msg;
      msg.copy(out, w, r, r + fixed + rdLength);
      w += fixed + rdLength;
      r += fixed + rdLength;
    }
  }
  return out.subarray(0, w);
}

/** Writes `labels` at `w`, ending in a pointer to the longest suffix written before. */
function writeName(out: Buffer, w: number, labels: Buffer[], known: Map<string, number>): number {
  const keys = labels.map((_, i) => Buffer.concat(labels.slice(i)).toString('latin1'));
  for (let i = 0; i < labels.length; i++) {
    const at = known.get(keys[i]);
    if (at !== undefined) {
      w = writeLabels(out, w, labels, i, keys, known);
      out.writeUInt16BE(POINTER | at, w);
      return w + 2;
    }
  }
  w = writeLabels(out, w, labels, labels.length, keys, known);
  out[w] = 0;
  return w + 1;
}

function writeLabels(out: Buffer, w: number, labels: Buffer[], upTo: number, keys: string[], known: Map<string, number>): number {
  for (let i = 0; i < upTo; i++) {
    if (w <= MAX_POINTER_OFFSET) known.set(keys[i], w);
    labels[i].copy(out, w);
    w += labels[i].length;
  }
  return w;
}
