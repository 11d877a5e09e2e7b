// Storage on the API side end to end: a real `k8ts server` (controller manager, admission), simulated
// nodes standing in for kubelets, and the real kubectl. Claims bind to static volumes, stay Pending
// with upstream's Events, are protected while in use, and follow a StatefulSet's retention policy.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from './harness.js';
import { suiteCluster } from './support/suite-cluster.js';

// The "web" StatefulSet of the Kubernetes documentation (tutorials/stateful-application/basic-stateful-set).
const WEB_STATEFULSET = `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

describe('storage: claims, volumes and their controllers with kubectl', () => {
  const s = suiteCluster({ simNodes: { count: 2, prefix: 'stor-' } });

  test('the documentation\'s "web" StatefulSet is accepted and stamps out one claim per pod', async () => {
    const out = await s.c.k(['apply', '-f', '-'], WEB_STATEFULSET);
    assert.match(out, /statefulset.apps\/web created/);
    // The controller creates www-web-0 before web-0 exists (claims first, as upstream).
    await eventually(async () => (await s.c.k(['get', 'pvc', 'www-web-0', '-o', 'name'])).includes('www-web-0'), 30_000, 'claim www-web-0');
    const claim = JSON.parse(await s.c.k(['get', 'pvc', 'www-web-0', '-o', 'json']));
    assert.deepEqual(claim.metadata.labels, { app: 'nginx' });
    assert.equal(claim.spec.resources.requests.storage, '1Gi');
  });
});
