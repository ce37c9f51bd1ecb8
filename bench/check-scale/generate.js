#!/usr/bin/env node
// Synthetic system generator for the Faultline check-scale benchmark.
//
//   node generate.js OUTDIR SERVICES
//
// Writes SERVICES files into OUTDIR (svc-00000.yaml, svc-00001.yaml, ...),
// one per service, each a multi-document YAML with 5 objects:
//   Deployment (apps/v1, 2-3 containers, env-wired to 3-5 other services
//   like Google's Online Boutique: SVC_00042_SERVICE_ADDR: "svc-00042:3550"),
//   Service, ConfigMap, PodDisruptionBudget (policy/v1), and either a
//   HorizontalPodAutoscaler (autoscaling/v2, even services) or a second
//   ConfigMap mounted as a volume (odd services).
// Also writes OUTDIR-kustomize/kustomization.yaml listing every file as
// ../<basename of OUTDIR>/svc-NNNNN.yaml (kustomize needs
// --load-restrictor LoadRestrictionsNone to read files outside its folder).
//
// The wiring is a DAG: service i only calls services j > i, so the last few
// services are leaves with fewer (or no) dependencies. Every address points
// at a generated Service and a port that Service exposes, so the system is
// consistent: it contains no deliberate faults.
//
// Output is deterministic: same arguments, same bytes (fixed-seed PRNG, no
// timestamps, no dependence on the environment). Prints one summary line to
// stdout: "services=N files=N objects=N bytes=N".
'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg) process.stderr.write(`generate.js: ${msg}\n`);
  process.stderr.write('usage: node generate.js OUTDIR SERVICES\n');
  process.exit(2);
}

const [outArg, countArg] = process.argv.slice(2);
if (!outArg || !countArg) usage();
if (!/^[1-9][0-9]*$/.test(countArg)) usage(`SERVICES must be a positive integer, got "${countArg}"`);
const N = Number(countArg);
const outDir = path.resolve(outArg.replace(/\/+$/, ''));
const kustDir = `${outDir}-kustomize`;

// --- deterministic PRNG (mulberry32), fixed seed ---------------------------
const SEED = 0x5eed2024;
function mulberry32(a) {
  return function () {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// One stream per service, so service i's content does not depend on N
// except through which dependency targets exist.
function rngFor(i) { return mulberry32((SEED ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0); }
const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1)); // inclusive
const pick = (r, arr) => arr[Math.floor(r() * arr.length)];

// --- vocabulary ------------------------------------------------------------
const WIDTH = Math.max(5, String(N - 1).length);
const name = (i) => `svc-${String(i).padStart(WIDTH, '0')}`;
const envName = (i) => `SVC_${String(i).padStart(WIDTH, '0')}_SERVICE_ADDR`;

const PORTS = [8080, 3550, 7000, 7070, 5050, 9555, 50051, 8443];
const TEAMS = ['checkout', 'catalog', 'payments', 'shipping', 'identity', 'search', 'ads', 'cart'];
const TIERS = ['frontend', 'backend', 'backend', 'backend', 'data'];
const LANGS = ['go', 'java', 'python', 'nodejs', 'csharp'];
const CPU_REQ = ['50m', '100m', '200m', '250m'];
const MEM_REQ = ['64Mi', '128Mi', '256Mi'];
const CPU_LIM = ['200m', '500m', '1000m'];
const MEM_LIM = ['256Mi', '512Mi', '1Gi'];
const REGISTRY = 'registry.example.com/bench-shop';

// Per-service facts needed by other services (port of each Service).
function portOf(i) { const r = rngFor(i); return PORTS[Math.floor(r() * PORTS.length)]; }
const ports = Array.from({ length: N }, (_, i) => portOf(i));

function depsOf(i, r) {
  const want = int(r, 3, 5);
  const avail = N - 1 - i; // services j > i
  const n = Math.min(want, avail);
  const chosen = new Set();
  // Mostly nearby callees (locality like a layered system), sometimes far.
  while (chosen.size < n) {
    let j;
    if (r() < 0.7) j = i + 1 + Math.floor(r() * Math.min(avail, 50));
    else j = i + 1 + Math.floor(r() * avail);
    chosen.add(j);
  }
  return [...chosen].sort((a, b) => a - b);
}

const q = (s) => JSON.stringify(String(s)); // double-quoted YAML scalar

// grpc probes take a port number only; httpGet takes a number or a name.
function probe(kind, port, httpPath, initialDelay, period) {
  const lines = [];
  if (kind === 'grpc') lines.push(`            grpc:`, `              port: ${port}`);
  else lines.push(`            httpGet:`, `              path: ${httpPath}`, `              port: ${port}`);
  lines.push(`            initialDelaySeconds: ${initialDelay}`, `            periodSeconds: ${period}`);
  return lines;
}

function resources(r, indent) {
  const p = ' '.repeat(indent);
  return [
    `${p}resources:`,
    `${p}  requests:`,
    `${p}    cpu: ${pick(r, CPU_REQ)}`,
    `${p}    memory: ${pick(r, MEM_REQ)}`,
    `${p}  limits:`,
    `${p}    cpu: ${pick(r, CPU_LIM)}`,
    `${p}    memory: ${pick(r, MEM_LIM)}`,
  ];
}

function requests(r, indent) {
  const p = ' '.repeat(indent);
  return [`${p}resources:`, `${p}  requests:`, `${p}    cpu: ${pick(r, CPU_REQ)}`, `${p}    memory: ${pick(r, MEM_REQ)}`];
}

function serviceFile(i) {
  const r = rngFor(i);
  r(); // the draw used by portOf(i)
  const svc = name(i);
  const port = ports[i];
  const team = pick(r, TEAMS);
  const tier = pick(r, TIERS);
  const lang = pick(r, LANGS);
  const version = `v1.${int(r, 0, 30)}.${int(r, 0, 9)}`;
  const deps = depsOf(i, r);
  const grpc = port !== 8080 && port !== 8443;
  const appProto = grpc ? 'grpc' : 'http';
  const replicas = int(r, 1, 4);
  const hasHpa = i % 2 === 0;
  const hasLogShipper = r() < 0.35;
  const hasInit = r() < 0.15;

  // Full label set on the Deployment, a short one on the other objects.
  const commonLabels = [`    app: ${svc}`, `    team: ${team}`];
  const deployLabels = [
    ...commonLabels,
    `    app.kubernetes.io/part-of: bench-shop`,
    `    app.kubernetes.io/component: ${tier}`,
    `    app.kubernetes.io/version: ${q(version)}`,
  ];
  const docs = [];

  // ---- Deployment ----
  const d = [];
  d.push(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${svc}`,
    '  labels:',
    ...deployLabels,
    '  annotations:',
    `    bench.faultline.dev/owner: ${q(`${team}@example.com`)}`,
    'spec:',
  );
  if (!hasHpa) d.push(`  replicas: ${replicas}`);
  d.push(
    '  revisionHistoryLimit: 5',
    '  selector:',
    '    matchLabels:',
    `      app: ${svc}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${svc}`,
    `        app.kubernetes.io/version: ${q(version)}`,
    '    spec:',
    '      terminationGracePeriodSeconds: 5',
  );
  if (hasInit) {
    const first = deps.length ? deps[0] : null;
    d.push(
      '      initContainers:',
      '        - name: wait-for-deps',
      `          image: ${REGISTRY}/wait-for:1.4.2`,
      `          args: [${q(first === null ? 'localhost:' + port : `${name(first)}:${ports[first]}`)}, "--timeout=60s"]`,
      ...resources(r, 10),
    );
  }
  d.push(
    '      containers:',
    '        - name: server',
    `          image: ${REGISTRY}/${svc}:${version}`,
    '          ports:',
    `            - name: ${appProto}`,
    `              containerPort: ${port}`,
    '            - name: metrics',
    '              containerPort: 9090',
    '          env:',
    '            - name: PORT',
    `              value: ${q(port)}`,
    '            - name: LANGUAGE',
    `              value: ${q(lang)}`,
  );
  for (const j of deps) {
    d.push(`            - name: ${envName(j)}`, `              value: ${q(`${name(j)}:${ports[j]}`)}`);
  }
  d.push(
    '            - name: LOG_LEVEL',
    '              valueFrom:',
    '                configMapKeyRef:',
    `                  name: ${svc}-config`,
    '                  key: LOG_LEVEL',
    '          envFrom:',
    '            - configMapRef:',
    `                name: ${svc}-config`,
    '          readinessProbe:',
    ...probe(grpc ? 'grpc' : 'http', port, '/healthz', 5, 10),
    '          livenessProbe:',
    ...probe(grpc ? 'grpc' : 'http', port, '/healthz', 15, 20),
    ...resources(r, 10),
  );
  if (!hasHpa) {
    d.push('          volumeMounts:', '            - name: app-settings', '              mountPath: /etc/app', '              readOnly: true');
  }
  d.push(
    '        - name: proxy',
    `          image: ${REGISTRY}/envoy:1.30.${int(r, 0, 4)}`,
    '          ports:',
    '            - name: proxy-admin',
    '              containerPort: 15000',
    '            - name: proxy-stats',
    '              containerPort: 15090',
    ...requests(r, 10),
  );
  if (hasLogShipper) {
    d.push(
      '        - name: log-shipper',
      `          image: ${REGISTRY}/fluent-bit:3.0.${int(r, 0, 7)}`,
      '          env:',
      '            - name: LOG_FORMAT',
      '              value: "json"',
      ...requests(r, 10),
    );
  }
  if (!hasHpa) {
    d.push('      volumes:', '        - name: app-settings', '          configMap:', `            name: ${svc}-settings`);
  }
  docs.push(d);

  // ---- Service ----
  docs.push([
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${svc}`,
    '  labels:',
    ...commonLabels,
    'spec:',
    '  type: ClusterIP',
    '  selector:',
    `    app: ${svc}`,
    '  ports:',
    `    - name: ${appProto}`,
    `      port: ${port}`,
    `      targetPort: ${port}`,
    '      protocol: TCP',
    '    - name: metrics',
    '      port: 9090',
    '      targetPort: metrics',
  ]);

  // ---- ConfigMap (addresses in data) ----
  const upstreams = deps.map((j) => `${name(j)}:${ports[j]}`).join(',');
  const cm = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${svc}-config`,
    '  labels:',
    ...commonLabels,
    'data:',
    `  LOG_LEVEL: ${q(pick(r, ['debug', 'info', 'info', 'warn']))}`,
    `  UPSTREAMS: ${q(upstreams)}`,
    `  REQUEST_TIMEOUT_MS: ${q(int(r, 2, 30) * 100)}`,
    `  MAX_CONCURRENT_STREAMS: ${q(int(r, 16, 256))}`,
    `  ENABLE_TRACING: ${q(r() < 0.5 ? 'true' : 'false')}`,
  ];
  if (deps.length) {
    const j = deps[deps.length - 1];
    cm.push(`  FALLBACK_ADDR: ${q(`${name(j)}:${ports[j]}`)}`);
  }
  cm.push('  routes.yaml: |', '    routes:');
  for (const j of deps) {
    cm.push(
      `      - match: /${name(j)}/`,
      `        upstream: ${name(j)}:${ports[j]}`,
    );
  }
  if (!deps.length) cm.push('      - match: /', '        upstream: local');
  docs.push(cm);

  // ---- PodDisruptionBudget ----
  const pdb = [
    'apiVersion: policy/v1',
    'kind: PodDisruptionBudget',
    'metadata:',
    `  name: ${svc}`,
    '  labels:',
    ...commonLabels,
    'spec:',
  ];
  if (r() < 0.5) pdb.push('  minAvailable: 1'); else pdb.push('  maxUnavailable: 1');
  pdb.push('  selector:', '    matchLabels:', `      app: ${svc}`);
  docs.push(pdb);

  // ---- HPA (even) or second ConfigMap (odd) ----
  if (hasHpa) {
    const min = int(r, 2, 3);
    docs.push([
      'apiVersion: autoscaling/v2',
      'kind: HorizontalPodAutoscaler',
      'metadata:',
      `  name: ${svc}`,
      '  labels:',
      ...commonLabels,
      'spec:',
      '  scaleTargetRef:',
      '    apiVersion: apps/v1',
      '    kind: Deployment',
      `    name: ${svc}`,
      `  minReplicas: ${min}`,
      `  maxReplicas: ${min + int(r, 3, 10)}`,
      '  metrics:',
      '    - type: Resource',
      '      resource:',
      '        name: cpu',
      '        target:',
      '          type: Utilization',
      `          averageUtilization: ${pick(r, [60, 70, 75, 80])}`,
    ]);
  } else {
    const settings = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${svc}-settings`,
      '  labels:',
      ...commonLabels,
      'data:',
      '  settings.properties: |',
      `    server.port=${port}`,
      `    server.shutdown=graceful`,
      `    cache.ttl.seconds=${int(r, 10, 600)}`,
    ];
    deps.forEach((j, k) => settings.push(`    client.${k}.address=${name(j)}:${ports[j]}`));
    settings.push(`  feature-flags.json: ${q(JSON.stringify({ newCheckout: r() < 0.5, darkLaunch: r() < 0.2, shard: int(r, 0, 15) }))}`);
    docs.push(settings);
  }

  const header = `# ${svc}: synthetic service generated by bench/check-scale/generate.js (seed ${SEED.toString(16)})\n`;
  return { text: header + docs.map((lines) => '---\n' + lines.join('\n') + '\n').join(''), objects: docs.length };
}

// --- write -----------------------------------------------------------------
fs.mkdirSync(outDir, { recursive: true });
fs.mkdirSync(kustDir, { recursive: true });
// Remove stale files of ours (e.g. from a larger earlier run); touch nothing else.
const ours = /^svc-[0-9]+\.yaml$/;
for (const f of fs.readdirSync(outDir)) if (ours.test(f)) fs.unlinkSync(path.join(outDir, f));

let objects = 0;
let bytes = 0;
const files = [];
for (let i = 0; i < N; i++) {
  const { text, objects: n } = serviceFile(i);
  const file = `${name(i)}.yaml`;
  fs.writeFileSync(path.join(outDir, file), text);
  files.push(file);
  objects += n;
  bytes += Buffer.byteLength(text);
}

const base = path.basename(outDir);
const kust = [
  '# Generated by bench/check-scale/generate.js. The resources live outside this',
  '# folder, so run: kubectl kustomize --load-restrictor LoadRestrictionsNone DIR',
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  'resources:',
  ...files.map((f) => `  - ../${base}/${f}`),
  '',
].join('\n');
fs.writeFileSync(path.join(kustDir, 'kustomization.yaml'), kust);

process.stdout.write(`services=${N} files=${files.length} objects=${objects} bytes=${bytes}\n`);
