// Runs one command in a pod with the official JavaScript client's Exec (WebSocket channel
// protocols), so a test can do it from inside a network namespace. Usage:
//   node client-node-exec.js KUBECONFIG NAMESPACE POD CONTAINER COMMAND...
// Prints {"protocol", "stdout", "stderr", "status"} as JSON once the command has finished.
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';

const [kubeconfig, namespace, pod, container, ...command] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
let stdout = '';
let stderr = '';
const out = new PassThrough().on('data', d => (stdout += d));
const err = new PassThrough().on('data', d => (stderr += d));
let done!: (s: k8s.V1Status) => void;
const finished = new Promise<k8s.V1Status>(resolve => (done = resolve));
const ws = await new k8s.Exec(kc).exec(namespace, pod, container, command, out, err, null, false, done);
const status = await finished;
console.log(JSON.stringify({ protocol: ws.protocol, stdout, stderr, status }));
