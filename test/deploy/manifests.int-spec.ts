import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as config from '@nitro/config';
import { composeEnvKeys, loadCompose, validateCompose } from '../../tools/validate/compose.validate';
import { checkDockerfile } from '../../tools/validate/dockerfile.validate';
import { imageErrors, K8sObject, policyErrors, releasedApps, renderOverlay, schemaErrors, unknownFieldErrors } from '../../tools/validate/k8s.validate';

const ROOT = join(__dirname, '..', '..');
const APPS = ['gateway', 'ai-router', 'media', 'voice', 'search', 'agents'] as const;
const THIRD_PARTY = [/^redis:\d+\.\d+\.\d+-alpine$/, /^minio\/minio:RELEASE\.\d{4}-/];

/** The env class of each app, by the naming rule of libs/config (`ai-router` -> AiRouterEnv). */
function envKeys(app: string): string[] {
  const name = app.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('') + 'Env';
  const cls = (config as Record<string, unknown>)[name] as (new () => object) | undefined;
  if (!cls) throw new Error(`libs/config exports no ${name} for app ${app}`);
  return config.configKeys(cls);
}

describe('Kubernetes manifests', () => {
  const overlays: Record<string, K8sObject[]> = {};
  beforeAll(() => {
    for (const o of ['dev', 'prod']) overlays[o] = renderOverlay(o);
  });

  it.each(['dev', 'prod'])('%s renders every app, Redis and MinIO, with HPA, PDB, Ingress and NetworkPolicies', (o) => {
    const objs = overlays[o];
    const names = (kind: string) => objs.filter((x) => x.kind === kind).map((x) => x.metadata.name).sort();
    expect(names('Deployment')).toEqual([...APPS].sort());
    expect(names('StatefulSet')).toEqual(['minio', 'redis']);
    expect(names('HorizontalPodAutoscaler')).toEqual(['ai-router', 'gateway', 'media']);
    expect(names('PodDisruptionBudget')).toEqual([...APPS].sort());
    expect(names('Ingress')).toEqual(['nitro']);
    expect(names('NetworkPolicy').length).toBeGreaterThanOrEqual(3);
    expect(objs.filter((x) => x.kind !== 'Namespace').every((x) => x.metadata.namespace === (o === 'dev' ? 'nitro-ai-dev' : 'nitro-ai'))).toBe(true);
    const secret = objs.find((x) => x.kind === 'Secret');
    expect(Object.values(secret?.stringData ?? {}).every((v) => v === '')).toBe(true);
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
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining([...APPS, 'nginx', 'redis', 'minio', 'minio-init', 'ollama', 'prometheus', 'grafana']));
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

  it.each(APPS)('%s: sets only variables its config declares, including the ones a container needs', (app) => {
    const keys = composeEnvKeys(compose.services[app]);
    const declared = new Set(envKeys(app));
    expect(keys.filter((k) => !declared.has(k))).toEqual([]);
    expect(keys).toEqual(expect.arrayContaining(['REDIS_URL', app === 'gateway' ? 'PORT' : 'HTTP_PORT']));
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
  });

  it('flags a Dockerfile that breaks those rules', () => {
    const bad = 'FROM node:latest\nENV API_KEY=abc123\nRUN echo hi\n';
    const problems = checkDockerfile(bad).join('\n');
    expect(problems).toMatch(/not pinned/);
    expect(problems).toMatch(/no USER/);
    expect(problems).toMatch(/API_KEY bakes a secret/);
  });
});
