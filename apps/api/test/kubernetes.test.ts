// The Kubernetes manifests render with kustomize (kubectl) and hang together:
// probes on the real health endpoints, graceful termination, autoscaling and
// disruption budgets pointing at real workloads, the Ingress reaching the API
// for /graphql (WebSocket), /exports/ and /attachments/, configuration the API
// accepts, and one attachments volume shared by API nodes and workers.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../src/platform/config.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const apiDir = fileURLToPath(new URL('../', import.meta.url));

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
};

function render(dir: string): Obj[] {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'pipe' });
  } catch {
    throw new Error('kubectl is required to render deploy/kubernetes (Debian: apt-get install -y kubectl)');
  }
  const text = execFileSync('kubectl', ['kustomize', `${repo}deploy/kubernetes/${dir}`], { encoding: 'utf8' });
  return parseAllDocuments(text).map((d) => d.toJS() as Obj);
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kubernetes manifests', () => {
  const base = render('base');
  const objects = render('overlays/example');
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const one = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`${kind}/${name} missing from the render`);
    return found;
  };
  const deployment = (component: string) => byKind('Deployment').find((d) => d.spec.template.metadata.labels['app.kubernetes.io/component'] === component)!;

  it('renders the base and the example overlay with every kind of object', () => {
    expect(base.length).toBeGreaterThan(10);
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`).sort();
    expect(kinds).toEqual(
      [
        'ConfigMap/switchboard-config',
        'Deployment/switchboard-api',
        'Deployment/switchboard-web',
        'Deployment/switchboard-worker',
        'HorizontalPodAutoscaler/switchboard-api',
        'HorizontalPodAutoscaler/switchboard-worker',
        'Ingress/switchboard',
        'Job/switchboard-migrate',
        'Namespace/switchboard',
        'PodDisruptionBudget/switchboard-api',
        'PodDisruptionBudget/switchboard-web',
        'PodDisruptionBudget/switchboard-worker',
        'PersistentVolumeClaim/switchboard-attachments',
        'Secret/switchboard-secrets',
        'Service/switchboard-api',
        'Service/switchboard-web',
      ].sort(),
    );
    for (const o of objects) {
      expect(o.apiVersion).toBeTruthy();
      if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe('switchboard');
    }
    // Pinned images from the overlay everywhere.
    const images = objects.flatMap((o) => (o.kind === 'Deployment' || o.kind === 'Job' ? o.spec.template.spec.containers.map((c: any) => c.image) : []));
    expect(images.length).toBe(4);
    for (const image of images) expect(image).toMatch(/^registry\.example\.com\/switchboard\/switchboard(-web)?:0\.1\.0$/);
  });

  it('runs API nodes with health probes, graceful termination and CPU requests', () => {
    const api = deployment('api');
    expect(matches(api.spec.selector.matchLabels, api.spec.template.metadata.labels)).toBe(true);
    expect(api.spec.replicas).toBe(3);
    const pod = api.spec.template.spec;
    const [container] = pod.containers;
    expect(container.command.slice(-1)[0]).toBe('apps/api/dist/main.js');
    expect(existsSync(`${apiDir}src/main.ts`)).toBe(true);
    const port = container.ports.find((p: any) => p.name === container.readinessProbe.httpGet.port);
    expect(port.containerPort).toBe(Number(container.env.find((e: any) => e.name === 'PORT').value));
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    const preStop = container.lifecycle.preStop.exec.command;
    expect(preStop[0]).toBe('sleep');
    // The process gives itself 15 s to drain after SIGTERM (main.ts); preStop comes first.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(Number(preStop[1]) + 15);
    expect(container.resources.requests.cpu).toBeTruthy();
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('runs workers with their metrics port as the liveness endpoint', () => {
    const worker = deployment('worker');
    const [container] = worker.spec.template.spec.containers;
    expect(container.command.slice(-1)[0]).toBe('apps/api/dist/worker.js');
    expect(existsSync(`${apiDir}src/worker.ts`)).toBe(true);
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    const metricsPort = container.ports.find((p: any) => p.name === container.livenessProbe.httpGet.port).containerPort;
    expect(String(metricsPort)).toBe(one('ConfigMap', 'switchboard-config').data!.METRICS_PORT);
    expect(worker.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(metricsPort));
    expect(container.resources.requests.cpu).toBeTruthy();
    expect(one('ConfigMap', 'switchboard-config').data!.RUN_WORKERS).toBe('false');
  });

  it('points autoscalers and disruption budgets at real workloads', () => {
    for (const hpa of byKind('HorizontalPodAutoscaler')) {
      const target = one(hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      expect(hpa.spec.metrics.some((m: any) => m.resource?.name === 'cpu')).toBe(true);
      expect(target.spec.template.spec.containers[0].resources.requests.cpu).toBeTruthy();
    }
    expect(one('HorizontalPodAutoscaler', 'switchboard-api').spec.minReplicas).toBe(3);
    const pdbs = byKind('PodDisruptionBudget');
    for (const component of ['api', 'worker', 'web']) {
      const pods = deployment(component).spec.template.metadata.labels;
      expect(pdbs.filter((p) => matches(p.spec.selector.matchLabels, pods))).toHaveLength(1);
    }
  });

  it('routes /graphql (WebSocket), /exports/ and /attachments/ to the API and the rest to the web app', () => {
    const ingress = one('Ingress', 'switchboard');
    expect(Number(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
    const [rule] = ingress.spec.rules;
    expect(rule.host).toBe('support.example.com');
    expect(ingress.spec.tls[0].hosts).toEqual(['support.example.com']);
    const routes = Object.fromEntries(rule.http.paths.map((p: any) => [p.path, p.backend.service]));
    expect(Object.keys(routes).sort()).toEqual(['/', '/attachments/', '/exports/', '/graphql']);
    const reaches = (path: string, component: string) => {
      const service = one('Service', routes[path].name);
      expect(matches(service.spec.selector, deployment(component).spec.template.metadata.labels)).toBe(true);
      const servicePort = service.spec.ports.find((p: any) => p.name === routes[path].port.name);
      const containerPorts = deployment(component).spec.template.spec.containers[0].ports.map((p: any) => p.name);
      expect(containerPorts).toContain(servicePort.targetPort);
    };
    reaches('/graphql', 'api');
    reaches('/exports/', 'api');
    reaches('/attachments/', 'api');
    reaches('/', 'web');
    // The web app's own proxy reaches the API Service too.
    const upstream = deployment('web').spec.template.spec.containers[0].env.find((e: any) => e.name === 'API_UPSTREAM').value;
    expect(upstream).toBe(`switchboard-api:${one('Service', 'switchboard-api').spec.ports[0].port}`);
  });

  it('mounts one shared attachments volume at ATTACHMENTS_DIR in API and worker pods, and admits uploads through the Ingress', () => {
    const claim = one('PersistentVolumeClaim', 'switchboard-attachments');
    // Several pods on several nodes read and write it.
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
    const dir = one('ConfigMap', 'switchboard-config').data!.ATTACHMENTS_DIR;
    expect(loadConfig({ ATTACHMENTS_DIR: dir }).attachments.dir).toBe(dir);
    for (const component of ['api', 'worker']) {
      const pod = deployment(component).spec.template.spec;
      const volume = pod.volumes.find((v: any) => v.persistentVolumeClaim?.claimName === claim.metadata.name);
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: volume.name, mountPath: dir });
    }
    const bodySize = one('Ingress', 'switchboard').metadata.annotations!['nginx.ingress.kubernetes.io/proxy-body-size']!;
    expect(Number(bodySize.replace(/m$/, '')) * 1024 * 1024).toBeGreaterThan(loadConfig({}).attachments.maxBytes);
  });

  it('migrates in a Job and configures every process from a ConfigMap and a Secret the API accepts', () => {
    const job = one('Job', 'switchboard-migrate');
    expect(job.spec.template.spec.containers[0].command.slice(-1)[0]).toBe('apps/api/dist/migrate.js');
    expect(existsSync(`${apiDir}src/migrate.ts`)).toBe(true);
    expect(JSON.parse(readFileSync(`${apiDir}package.json`, 'utf8')).scripts.migrate).toContain('src/migrate.ts');

    const config = one('ConfigMap', 'switchboard-config');
    const secret = objects.find((o) => o.kind === 'Secret')!;
    for (const o of [...byKind('Deployment').filter((d) => d.metadata.name !== 'switchboard-web'), job]) {
      const refs = o.spec.template.spec.containers[0].envFrom;
      expect(refs.map((r: any) => r.configMapRef?.name ?? r.secretRef?.name).sort()).toEqual([config.metadata.name, secret.metadata.name].sort());
    }
    const secretEnv = Object.fromEntries(Object.entries(secret.data!).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    // The example's JWT_SECRET is a placeholder the API refuses in production until it is replaced.
    expect(() => loadConfig({ ...config.data, ...secretEnv, PORT: '4000' })).toThrow(/JWT_SECRET: is a published placeholder/);
    const env = { ...config.data, ...secretEnv, JWT_SECRET: randomBytes(32).toString('hex'), PORT: '4000' };
    const parsed = loadConfig(env);
    expect(parsed.nodeEnv).toBe('production');
    expect(parsed.runWorkers).toBe(false);
    expect(parsed.databaseUrl).toMatch(/^postgres:\/\//);
    expect(parsed.redisUrl).toMatch(/^redis:\/\//);
    // Every variable is one the API reads (its own or OpenTelemetry's standard ones).
    const source = readFileSync(`${apiDir}src/platform/config.ts`, 'utf8');
    for (const name of Object.keys(env)) expect(name.startsWith('OTEL_') || source.includes(`${name}:`)).toBe(true);
  });
});
