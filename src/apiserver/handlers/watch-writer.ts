// A watch response's output. Each socket write costs about the same whatever it carries (a chunk,
// a TLS record, a syscall and the TCP work behind it), so events go out in as few writes as
// delivery allows without making any event wait for a timer:
// - one delivery's lines (a commit's events) are one write;
// - the first delivery in a turn of the event loop is written at once, so a lone event waits for
//   nothing; later deliveries in the same turn (several commits settled by one burst of I/O) are
//   held and written together once the turn's I/O callbacks have run (setImmediate: the check
//   phase of that same turn), one write for all of them.
// A client that lets output pile up past a limit is too slow to keep up: its watch is ended.
import type { ServerResponse } from 'node:http';

/** Writers that wrote during this turn of the event loop (and may hold lines); cleared by the turn's flush. */
let wroteThisTurn: WatchWriter[] | undefined;

function endTurn(): void {
  const writers = wroteThisTurn!;
  wroteThisTurn = undefined;
  for (const w of writers) w.flushHeld();
}

export class WatchWriter {
  private inTurn = false;
  /** Lines sent after this turn's first write, in order. */
  private held: Buffer[] | undefined;
  private ended = false;

  /**
   * @param maxBufferedBytes output a client may leave unread; past it `onTooSlow` is called instead of writing.
   */
  constructor(private readonly res: ServerResponse, private readonly maxBufferedBytes: number, private readonly onTooSlow: () => void) {}

  /** Sends lines after everything sent before. */
  send(lines: Buffer[]): void {
    if (this.ended || !lines.length) return;
    if (this.inTurn) {
      if (this.held) for (const l of lines) this.held.push(l);
      else this.held = lines.slice();
      return;
    }
    this.inTurn = true;
    if (wroteThisTurn) wroteThisTurn.push(this);
    else {
      wroteThisTurn = [this];
      setImmediate(endTurn);
    }
    this.write(lines);
  }

  /** Writes the lines held during this turn; the next send writes at once again. */
  flushHeld(): void {
    this.inTurn = false;
    const held = this.held;
    this.held = undefined;
    if (held && !this.ended) this.write(held);
  }

  /** Writes what is held (unless the client is too slow for it) and ends the response. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const held = this.held;
    this.held = undefined;
    if (held) this.write(held);
    this.res.end();
  }

  private write(lines: Buffer[]): void {
    if (this.res.writableLength > this.maxBufferedBytes) return this.onTooSlow();
    this.res.write(lines.length === 1 ? lines[0] : Buffer.concat(lines));
  }
}
