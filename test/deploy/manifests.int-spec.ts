import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as config from '@nitro/config';
import { composeEnvKeys, loadCompose, validateCompose } from '../../tools/validate/compose.validate';
import { checkDockerfile } from '../../tools/validate/dockerfile.validate';
import {
  danglingServiceErrors,
  edgeMetricsErrors,
  hpaReplicaErrors,
  imageErrors,
  K8sObject,
  networkPolicyErrors,
  policyErrors,
  probePathErrors,
  releasedApps,
  renderKustomization,
  schemaErrors,
  secretErrors,
  unknownFieldErrors,
} from '../../tools/validate/k8s.validate';

const ROOT = join(__dirname, '..', '..');
const APPS = ['gateway', 'ai-router', 'media', 'voice', 'search', 'agents'] as const;
const THIRD_PARTY = [/^redis:\d+\.\d+\.\d+-alpine$/, /^minio\/minio:RELEASE\.\d{4}-/, /^ollama\/ollama:\d+\.\d+\.\d+$/];

/** An overlay plus the optional Ollama component, as an operator adds it (`components:` with the overlay's namespace). */
function renderWithOllama(overlay: string) {
  const namespace = overlay === 'dev' ? 'nitro-ai-dev' : 'nitro-ai';
  const dir = mkdtempSync(join(tmpdir(), 'nitro-ollama-'));
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${namespace}\nresources:\n  - ${relative(dir, join(ROOT, 'k8s', 'overlays', overlay))}\ncomponents:\n  - ${relative(dir, join(ROOT, 'k8s', 'components', 'ollama'))}\n`,
  );
  try {
    return renderKustomization(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The env class of each app, by the naming rule of libs/config (`ai-router` -> AiRouterEnv). */
function envKeys(app: string): string[] {
  const name =
    app
      .split('-')
      .map((p) => p[0].toUpperCase() + p.slice(1))
      .join('') + 'Env';
  const cls = (config as Record<string, unknown>)[name] as (new () => object) | undefined;
  if (!cls) throw new Error(`libs/config exports no ${name} for app ${app}`);
  return config.configKeys(cls);
}

describe('Kubernetes manifests', () => {
  const overlays: Record<string, K8sObject[]> = {};
  const warnings: Record<string, string> = {};
  beforeAll(() => {
    for (const o of ['dev', 'prod'])
      ({ objects: overlays[o], warnings: warnings[o] } = renderKustomization(join(ROOT, 'k8s', 'overlays', o)));
  });

  it.each(['dev', 'prod'])('%s renders every app, Redis and MinIO, with HPA, PDB, Ingress and NetworkPolicies', (o) => {
    const objs = overlays[o];
    const names = (kind: string) =>
      objs
        .filter((x) => x.kind === kind)
        .map((x) => x.metadata.name)
        .sort();
    expect(names('Deployment')).toEqual([...APPS].sort());
    expect(names('StatefulSet')).toEqual(['minio', 'redis']);
    expect(names('HorizontalPodAutoscaler')).toEqual(['ai-router', 'gateway', 'media']);
    expect(names('PodDisruptionBudget')).toEqual([...APPS].sort());
    expect(names('Ingress')).toEqual(['nitro', 'nitro-metrics-blocked']);
    expect(names('NetworkPolicy').length).toBeGreaterThanOrEqual(3);
    expect(
      objs.filter((x) => x.kind !== 'Namespace').every((x) => x.metadata.namespace === (o === 'dev' ? 'nitro-ai-dev' : 'nitro-ai')),
    ).toBe(true);
  });

  it.each(['dev', 'prod'])('%s: `kubectl kustomize` prints no warnings (no deprecated fields)', (o) => {
    expect(warnings[o]).toBe('');
    for (const dir of ['base', `overlays/${o}`]) {
      const k = readFileSync(join(ROOT, 'k8s', dir, 'kustomization.yaml'), 'utf8');
      expect(k).not.toMatch(/^(bases|commonLabels|patchesStrategicMerge|patchesJson6902|vars):/m);
    }
  });

  it.each(['dev', 'prod'])('%s: carries no Secret (real ones are created outside the manifests and never overwritten)', (o) => {
    expect(overlays[o].filter((x) => x.kind === 'Secret').map((x) => x.metadata.name)).toEqual([]);
    expect(secretErrors(overlays[o])).toEqual([]);
  });

  it.each(['dev', 'prod'])(
    '%s: readiness on /health/ready, no replicas on HPA-scaled Deployments, NetworkPolicies by label, /metrics not at the edge',
    (o) => {
      expect(probePathErrors(overlays[o])).toEqual([]);
      expect(hpaReplicaErrors(overlays[o])).toEqual([]);
      expect(networkPolicyErrors(overlays[o])).toEqual([]);
      expect(edgeMetricsErrors(overlays[o])).toEqual([]);
      // The labels the policies select on are the ones docs/deploy.md tells the operator to set.
      const doc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
      const labels = overlays[o]
        .filter((x) => x.kind === 'NetworkPolicy')
        .flatMap((x) =>
          (x.spec.ingress ?? []).flatMap((r: any) =>
            (r.from ?? []).flatMap((p: any) => Object.keys(p.namespaceSelector?.matchLabels ?? {})),
          ),
        );
      expect(labels.length).toBeGreaterThan(0);
      expect(doc).toContain('kubectl label namespace');
      for (const l of labels) expect(doc).toContain(l);
    },
  );

  it.each(['dev', 'prod'])('%s: each workload receives only the shared secrets it needs', (o) => {
    const reads = (name: string) => {
      const w = overlays[o].find((x) => ['Deployment', 'StatefulSet'].includes(x.kind) && x.metadata.name === name)!;
      const c = w.spec.template.spec.containers[0];
      expect((c.envFrom ?? []).filter((e: any) => e.secretRef && !e.secretRef.optional)).toEqual([]);
      return (c.env ?? [])
        .filter((e: any) => e.valueFrom?.secretKeyRef?.name === 'nitro-secrets')
        .map((e: any) => e.name)
        .sort();
    };
    expect(reads('gateway')).toEqual(['JWT_SECRET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']);
    expect(reads('media')).toEqual(['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']);
    expect(reads('minio')).toEqual(['MINIO_ROOT_PASSWORD', 'MINIO_ROOT_USER']);
    for (const app of ['ai-router', 'voice', 'search', 'agents']) expect(reads(app)).toEqual([]);
  });

  it('the secretGenerator example renders a complete Secret from an untracked env file, referenced by every workload', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nitro-secret-example-'));
    const example = join(ROOT, 'k8s', 'examples', 'secret-from-env-file');
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      readFileSync(join(example, 'kustomization.yaml'), 'utf8').replace(
        '../../overlays/prod',
        relative(dir, join(ROOT, 'k8s', 'overlays', 'prod')),
      ),
    );
    const filled = readFileSync(join(example, 'secrets.env.example'), 'utf8').replace(
      /^(\w+)=$/gm,
      (_m, k: string) => `${k}=test-value-for-${k.toLowerCase()}`,
    );
    writeFileSync(join(dir, 'secrets.env'), filled);
    const { objects, warnings: w } = renderKustomization(dir);
    expect(w).toBe('');
    const secret = objects.find((x) => x.kind === 'Secret')!;
    expect(secret.metadata.name).toMatch(/^nitro-secrets-\w+$/);
    expect(secretErrors(objects)).toEqual([]);
    const refs = JSON.stringify(objects.filter((x) => x.kind !== 'Secret'));
    expect(refs).not.toMatch(/"nitro-secrets"/);
    expect(refs).toContain(`"${secret.metadata.name}"`);
    // Every key a workload reads from the secret is in the example.
    const keys = [...refs.matchAll(/"secretKeyRef":\{[^}]*"key":"(\w+)"/g)].map((m) => m[1]);
    for (const k of keys) expect(Object.keys({ ...secret.data })).toContain(k);
    // An empty env file gives a Secret the check refuses; a missing one does not render at all.
    writeFileSync(join(dir, 'secrets.env'), filled.replace(/^JWT_SECRET=.*$/m, 'JWT_SECRET='));
    expect(secretErrors(renderKustomization(dir).objects)).toEqual([expect.stringMatching(/JWT_SECRET is empty/)]);
    rmSync(join(dir, 'secrets.env'));
    expect(() => renderKustomization(dir)).toThrow(/secrets.env/);
  });

  it('the Kubernetes checks catch a Secret with empty values, replicas under an HPA, a namespace by name, /metrics at the edge', () => {
    const broken = JSON.parse(JSON.stringify(overlays.prod)) as K8sObject[];
    broken.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'nitro-secrets' },
      stringData: { JWT_SECRET: '', GEMINI_API_KEY: 'x' },
    });
    broken.find((x) => x.kind === 'Deployment' && x.metadata.name === 'gateway')!.spec.replicas = 2;
    broken.find(
      (x) => x.kind === 'Deployment' && x.metadata.name === 'voice',
    )!.spec.template.spec.containers[0].readinessProbe.httpGet.path = '/health';
    broken.find(
      (x) => x.kind === 'NetworkPolicy' && x.spec.ingress?.[0]?.from?.[0]?.namespaceSelector,
    )!.spec.ingress[0].from[0].namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } };
    const blocked = broken.findIndex((x) => x.kind === 'Ingress' && x.metadata.name === 'nitro-metrics-blocked');
    broken.splice(blocked, 1);
    expect(secretErrors(broken)).toEqual(['Secret/nitro-secrets: JWT_SECRET is empty']);
    expect(hpaReplicaErrors(broken).join()).toMatch(/Deployment\/gateway: sets replicas/);
    expect(probePathErrors(broken).join()).toMatch(/voice: readinessProbe is \/health,/);
    expect(networkPolicyErrors(broken).join()).toMatch(/by its name/);
    expect(edgeMetricsErrors(broken).join()).toMatch(/forwards \/metrics/);
  });

  it.each(['dev', 'prod'])('%s: every object validates against the Kubernetes schemas, with no unknown fields', (o) => {
    expect(overlays[o].flatMap(schemaErrors)).toEqual([]);
    expect(unknownFieldErrors(overlays[o])).toEqual([]);
  });

  it.each(['dev', 'prod'])('%s: every container has probes, resources and a non-root, read-only security context', (o) => {
    expect(policyErrors(overlays[o])).toEqual([]);
  });

  it.each(['dev', 'prod'])('%s: every image is one the release workflow builds (or a pinned third-party one)', (o) => {
    expect(imageErrors(overlays[o], releasedApps(), THIRD_PARTY)).toEqual([]);
  });

  it('the checks catch what they claim to (a broken copy fails)', () => {
    const broken = JSON.parse(JSON.stringify(overlays.prod)) as K8sObject[];
    const dep = broken.find((x) => x.kind === 'Deployment')!;
    delete dep.spec.template.spec.containers[0].readinessProbe;
    dep.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    dep.spec.template.spec.containers[0].image = 'nitro-ai/nitro-unknown:1.0.0';
    dep.spec.template.spec.containers[0].livnessProbe = {};
    dep.spec.replicas = 'two';
    expect(policyErrors([dep]).join('\n')).toMatch(/no readinessProbe[\s\S]*root filesystem is writable/);
    expect(imageErrors([dep], releasedApps(), THIRD_PARTY).join()).toMatch(/not built by the release workflow/);
    expect(unknownFieldErrors([dep]).join()).toMatch(/livnessProbe/);
    expect(schemaErrors(dep).join()).toMatch(/replicas/);
  });

  it.each(['dev', 'prod'])(
    '%s: ai-router models on a PVC filled by an init container (model-download.js), writable in ai-router (admin pulls)',
    (o) => {
      const objs = overlays[o];
      const pvc = objs.find((x) => x.kind === 'PersistentVolumeClaim' && x.metadata.name === 'ai-router-models');
      expect(pvc?.spec.resources.requests.storage).toBeDefined();
      const pod = objs.find((x) => x.kind === 'Deployment' && x.metadata.name === 'ai-router')!.spec.template.spec;
      expect(pod.volumes.find((v: any) => v.name === 'models')).toEqual({
        name: 'models',
        persistentVolumeClaim: { claimName: 'ai-router-models' },
      });
      const init = pod.initContainers.find((c: any) => c.name === 'models');
      expect(init.command).toEqual(['node', 'dist/apps/ai-router/src/model-download.js', '--dir', '/app/models']);
      expect(init.image).toBe(pod.containers[0].image);
      expect(init.volumeMounts).toEqual(expect.arrayContaining([{ name: 'models', mountPath: '/app/models' }]));
      expect(init.envFrom).toEqual(pod.containers[0].envFrom);
      expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([{ name: 'models', mountPath: '/app/models' }]));
    },
  );

  it.each(['dev', 'prod'])('%s: no Service name referenced that the manifests do not create (Ollama is off by default)', (o) => {
    expect(danglingServiceErrors(overlays[o])).toEqual([]);
    expect(overlays[o].filter((x) => x.metadata.name.startsWith('ollama'))).toEqual([]);
    const cm = overlays[o].find((x) => x.kind === 'ConfigMap')!;
    expect(cm.data.AI_PROVIDERS.split(',')).not.toContain('ollama');
    expect(cm.data.OLLAMA_HOST).toBeUndefined();
  });

  it.each(['dev', 'prod'])('%s + components/ollama: Deployment, Service, PVC and pull Job, valid, and ai-router pointed at it', (o) => {
    const { objects, warnings: w } = renderWithOllama(o);
    expect(w).toBe('');
    const named = (kind: string, name: string) => objects.find((x) => x.kind === kind && x.metadata.name === name);
    expect(named('Deployment', 'ollama')?.spec.template.spec.volumes).toEqual(
      expect.arrayContaining([{ name: 'models', persistentVolumeClaim: { claimName: 'ollama-models' } }]),
    );
    expect(named('Service', 'ollama')?.spec.ports[0].port).toBe(11434);
    expect(named('PersistentVolumeClaim', 'ollama-models')).toBeDefined();
    const job = named('Job', 'ollama-pull')!;
    const pull = job.spec.template.spec.containers[0];
    expect(pull.command.join(' ')).toMatch(/ollama pull "\$OLLAMA_MODEL"/);
    expect(pull.env).toEqual(
      expect.arrayContaining([
        { name: 'OLLAMA_HOST', value: 'http://ollama:11434' },
        { name: 'OLLAMA_MODEL', valueFrom: { configMapKeyRef: { name: 'nitro-config', key: 'OLLAMA_MODEL' } } },
      ]),
    );
    const cm = named('ConfigMap', 'nitro-config')!;
    expect(cm.data).toMatchObject({ AI_PROVIDERS: 'ollama,local,gemini', OLLAMA_HOST: 'http://ollama:11434' });
    expect(named('NetworkPolicy', 'ollama-from-nitro')).toBeDefined();
    expect(
      objects.filter((x) => x.kind !== 'Namespace').every((x) => x.metadata.namespace === (o === 'dev' ? 'nitro-ai-dev' : 'nitro-ai')),
    ).toBe(true);
    expect(danglingServiceErrors(objects)).toEqual([]);
    expect(objects.flatMap(schemaErrors)).toEqual([]);
    expect(unknownFieldErrors(objects)).toEqual([]);
    expect(policyErrors(objects)).toEqual([]);
    expect(probePathErrors(objects)).toEqual([]);
    expect(networkPolicyErrors(objects)).toEqual([]);
    expect(imageErrors(objects, releasedApps(), THIRD_PARTY)).toEqual([]);
  });

  it('the dangling-Service and init-container checks can fail', () => {
    const broken = JSON.parse(JSON.stringify(overlays.prod)) as K8sObject[];
    broken.find((x) => x.kind === 'ConfigMap')!.data.OLLAMA_HOST = 'http://ollama:11434';
    broken
      .find((x) => x.kind === 'Deployment' && x.metadata.name === 'media')!
      .spec.template.spec.containers[0].env.push({ name: 'A1111_URL', value: 'http://stable-diffusion:7860/' });
    expect(danglingServiceErrors(broken)).toEqual([
      'ConfigMap/nitro-config OLLAMA_HOST: refers to the Service "ollama", which these manifests do not create',
      'Deployment/media container media env A1111_URL: refers to the Service "stable-diffusion", which these manifests do not create',
    ]);
    const ai = broken.find((x) => x.kind === 'Deployment' && x.metadata.name === 'ai-router')!;
    ai.spec.template.spec.initContainers[0].readinessProbe = { httpGet: { path: '/', port: 1 } };
    ai.spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem = false;
    expect(policyErrors([ai])).toEqual([
      'Deployment/ai-router init container models: init containers cannot have a readinessProbe',
      'Deployment/ai-router init container models: root filesystem is writable',
    ]);
  });

  it('ConfigMap keys are variables some service reads', () => {
    const known = new Set(APPS.flatMap(envKeys));
    const cm = overlays.prod.find((x) => x.kind === 'ConfigMap')!;
    expect(Object.keys(cm.data).filter((k) => !known.has(k))).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  const compose = loadCompose();

  it('validates against the Compose Specification schema', () => {
    expect(validateCompose(compose)).toEqual([]);
  });

  it('a wrong document fails the schema (the check can fail)', () => {
    expect(validateCompose({ services: { x: { image: 1, ports: 'nope', healthcheck: { interval: 'soon' } } } }).length).toBeGreaterThan(0);
  });

  it('has every service the code expects, Redis with AOF, MinIO with its bucket, and the optional profiles', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([...APPS, 'nginx', 'redis', 'minio', 'minio-init', 'ollama', 'prometheus', 'grafana']),
    );
    expect(compose.services.gateway.deploy.replicas).toBe(2);
    expect(compose.services.redis.command.join(' ')).toMatch(/--appendonly yes/);
    expect(compose.services['minio-init'].entrypoint.join(' ')).toMatch(/mc mb/);
    expect(compose.services.ollama.profiles).toEqual(['ollama']);
    expect(compose.services.prometheus.profiles).toEqual(['monitoring']);
    for (const app of APPS) {
      expect(compose.services[app].healthcheck?.test).toBeDefined();
      expect(compose.services[app].deploy.resources.limits).toEqual({ cpus: '2', memory: '4g' });
    }
  });

  it('models-init fills the models volume before ai-router starts; the ollama profile pulls OLLAMA_MODEL', () => {
    const init = compose.services['models-init'];
    expect(init.image).toBe(compose.services['ai-router'].image);
    expect(init.command).toEqual(['node', 'dist/apps/ai-router/src/model-download.js', '--dir', '/app/models']);
    expect(init.restart).toBe('no');
    expect(init.volumes).toEqual(['models:/app/models']);
    expect(init.profiles).toBeUndefined(); // part of the default `docker compose up`
    expect(init.healthcheck).toEqual({ disable: true });
    const aiKeys = new Set(envKeys('ai-router'));
    expect(composeEnvKeys(init).filter((k) => !aiKeys.has(k))).toEqual([]);
    expect(composeEnvKeys(init)).toEqual(
      expect.arrayContaining(['NITRO_DOWNLOAD_MODEL', 'NITRO_DEFAULT_MODEL_URL', 'NITRO_DEFAULT_MODEL_SHA256']),
    );
    expect(compose.services['ai-router'].depends_on['models-init']).toEqual({ condition: 'service_completed_successfully' });
    expect(compose.services['ai-router'].volumes).toEqual(['models:/app/models']);

    const pull = compose.services['ollama-pull'];
    expect(pull.profiles).toEqual(['ollama']);
    expect(pull.depends_on.ollama).toEqual({ condition: 'service_healthy' });
    expect(pull.environment).toEqual({ OLLAMA_HOST: 'http://ollama:11434', OLLAMA_MODEL: '${OLLAMA_MODEL:-phi3}' });
    expect(pull.entrypoint.join(' ')).toMatch(/ollama pull "\$\$OLLAMA_MODEL"/);
    // ai-router asks Ollama for the model the pull fetched (the config default is phi3 too).
    expect(compose.services['ai-router'].environment.OLLAMA_MODEL).toBe('${OLLAMA_MODEL:-}');
    expect(new config.AiRouterEnv().OLLAMA_MODEL).toBe('phi3');
  });

  it.each(APPS)('%s: sets only variables its config declares, including the ones a container needs', (app) => {
    const keys = composeEnvKeys(compose.services[app]);
    const declared = new Set(envKeys(app));
    expect(keys.filter((k) => !declared.has(k))).toEqual([]);
    expect(keys).toEqual(expect.arrayContaining(['REDIS_URL', app === 'gateway' ? 'PORT' : 'HTTP_PORT']));
    // The Redis topology reaches every service from .env (Cluster, Sentinel, password, TLS), empty = the default.
    for (const k of ['REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_PASSWORD', 'REDIS_TLS', 'REDIS_TLS_CA_FILE'])
      expect([k, compose.services[app].environment[k]]).toEqual([k, `\${${k}:-}`]);
  });

  it('no container gets a shared env file: each secret reaches only the services whose config declares it', () => {
    const secrets = [
      'JWT_SECRET',
      'MINIO_ROOT_PASSWORD',
      'S3_SECRET_ACCESS_KEY',
      'GRAFANA_ADMIN_PASSWORD',
      'GEMINI_API_KEY',
      'BRAVE_API_KEY',
    ];
    for (const [name, svc] of Object.entries<any>(compose.services)) {
      expect([name, svc.env_file]).toEqual([name, undefined]);
      const env = svc.environment ?? {};
      for (const [k, v] of Object.entries(env)) {
        const source = /\$\{(\w+)/.exec(String(v))?.[1];
        if (source && secrets.includes(source))
          expect([name, k, (APPS as readonly string[]).includes(name) ? envKeys(name).includes(k) : true]).toEqual([name, k, true]);
      }
    }
    const holders = (secret: string) =>
      Object.entries<any>(compose.services)
        .filter(([, svc]) => JSON.stringify(svc.environment ?? {}).includes(`\${${secret}`))
        .map(([n]) => n)
        .sort();
    expect(holders('JWT_SECRET')).toEqual(['gateway']);
    expect(holders('MINIO_ROOT_PASSWORD')).toEqual(['gateway', 'media', 'minio', 'minio-init']);
    expect(holders('GRAFANA_ADMIN_PASSWORD')).toEqual(['grafana']);
  });

  it('nginx finds every gateway replica through Docker DNS, re-resolved while running', () => {
    const env = compose.services.nginx.environment;
    expect(env.NITRO_RESOLVER).toMatch(/^resolver 127\.0\.0\.11 /);
    expect(env.NITRO_UPSTREAM_SERVERS).toMatch(/^server gateway:8000 resolve /);
    // "resolve" needs a shared-memory zone in the upstream and nginx >= 1.27.3 (the image's version).
    const template = readFileSync(join(ROOT, 'deploy', 'nginx', 'templates', '10-nitro.conf.template'), 'utf8');
    expect(/upstream nitro_gateway \{[^}]*zone nitro_gateway \d+k;/.exec(template)).not.toBeNull();
    const [major, minor, patch] = /^nginx:(\d+)\.(\d+)\.(\d+)/.exec(compose.services.nginx.image)!.slice(1).map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(1_027_003);
  });

  it('commits an .env.example with every ${VAR} compose requires, and no .env', () => {
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const required = [...text.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]);
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    for (const v of new Set(required)) expect(example).toMatch(new RegExp(`^${v}=`, 'm'));
  });
});

describe('Dockerfile', () => {
  it('pins its base image, runs as a non-root user, has a HEALTHCHECK and bakes in no secret', () => {
    const content = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
    expect(checkDockerfile(content)).toEqual([]);
    expect(content).toMatch(/useradd -u 1000 .* nitro/);
    // A named volume mounted at /app/models takes this owner: models-init (uid 1000) can write the model.
    expect(content).toMatch(/mkdir -p \/app\/models && chown nitro:nitro \/app\/models/);
  });

  it('flags a Dockerfile that breaks those rules', () => {
    const bad = 'FROM node:latest\nENV API_KEY=abc123\nRUN echo hi\n';
    const problems = checkDockerfile(bad).join('\n');
    expect(problems).toMatch(/not pinned/);
    expect(problems).toMatch(/no USER/);
    expect(problems).toMatch(/API_KEY bakes a secret/);
  });
});
