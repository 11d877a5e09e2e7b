// An exec terminal: xterm.js over the exec WebSocket, framed as channel.k8s.io (v5, or v4 when the
// server picks it): every message starts with its channel, 0 stdin, 1 stdout, 2 stderr, 3 the
// final Status, 4 terminal resizes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Terminal as Xterm } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { execSocket, type Obj } from './api.js';

const STDIN = 0, STDOUT = 1, STDERR = 2, ERROR = 3, RESIZE = 4;

function frame(channel: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 1);
  out[0] = channel;
  out.set(data, 1);
  return out;
}

export function Terminal({ pod, container }: { pod: Obj; container: string }) {
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState('');
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const term = new Xterm({ rows: 20, cols: 100, convertEol: false });
    term.open(host.current!);
    const enc = new TextEncoder();
    const ws = execSocket(pod.metadata.namespace!, pod.metadata.name, container, ['sh', '-c', 'command -v bash >/dev/null && exec bash || exec sh']);
    ws.onopen = () => {
      setStatus(`connected (${ws.protocol})`);
      ws.send(frame(RESIZE, enc.encode(JSON.stringify({ Width: term.cols, Height: term.rows }))));
      term.focus();
    };
    ws.onmessage = ev => {
      const data = new Uint8Array(ev.data as ArrayBuffer);
      if (data[0] === STDOUT || data[0] === STDERR) term.write(data.subarray(1));
      else if (data[0] === ERROR) {
        const s = JSON.parse(new TextDecoder().decode(data.subarray(1)));
        setStatus(s.status === 'Success' ? 'exited' : `ended: ${s.message ?? s.reason}`);
      }
    };
    ws.onclose = ev => setStatus(prev => prev.startsWith('ended') || prev === 'exited' ? prev : `closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ''})`);
    ws.onerror = () => setStatus('the exec connection failed (is exec allowed for you?)');
    const input = term.onData(d => { if (ws.readyState === WebSocket.OPEN) ws.send(frame(STDIN, enc.encode(d))); });
    const resize = term.onResize(({ cols, rows }) => { if (ws.readyState === WebSocket.OPEN) ws.send(frame(RESIZE, enc.encode(JSON.stringify({ Width: cols, Height: rows })))); });
    return () => { input.dispose(); resize.dispose(); ws.close(); term.dispose(); };
  }, [open, pod.metadata.uid, container]);
  return (
    <section class="exec">
      <h3>Terminal {open ? <button onClick={() => setOpen(false)}>Close</button> : <button onClick={() => setOpen(true)}>Open shell</button>}</h3>
      {status && <p class="hint" data-testid="exec-status">{status}</p>}
      <div ref={host} class="terminal" data-testid="terminal" />
    </section>
  );
}
