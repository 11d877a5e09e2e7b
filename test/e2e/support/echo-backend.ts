// A backend outside the cluster for ingress tests: answers every request with what it received
// (method, URL and headers as JSON) and echoes WebSocket messages. Usage:
//   node echo-backend.js ADDRESS PORT        (prints "listening" once it is)
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const [address, port] = process.argv.slice(2);
const server = createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
});
const wss = new WebSocketServer({ server });
wss.on('connection', (ws, req) => ws.on('message', m => ws.send(`echo ${m} (host ${req.headers.host}, proto ${req.headers['x-forwarded-proto']})`)));
server.listen(Number(port), address, () => console.log('listening'));
process.on('SIGTERM', () => process.exit(0));
