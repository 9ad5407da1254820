import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import YAML from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: any;
}

const ROOT = join(__dirname, '..', '..');

export interface Rendered {
  objects: K8sObject[];
  /** What kubectl printed on stderr (deprecation warnings and the like): empty when clean. */
  warnings: string;
}

/** `kubectl kustomize <dir>`: renders offline, no cluster needed. Throws when it fails. */
export function renderKustomization(dir: string): Rendered {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr || r.error?.message}`);
  return {
    objects: YAML.parseAllDocuments(r.stdout)
      .map((d) => d.toJSON())
      .filter(Boolean),
    warnings: r.stderr.trim(),
  };
}

export function renderOverlay(overlay: string): K8sObject[] {
  return renderKustomization(join(ROOT, 'k8s', 'overlays', overlay)).objects;
}

function modelPath(obj: K8sObject): string {
  return `kubernetes-models/${obj.apiVersion}/${obj.kind}`;
}

/** Schema validation with kubernetes-models (types, required fields, formats). */
export function schemaErrors(obj: K8sObject): string[] {
  try {
    const Model = require(modelPath(obj))[obj.kind];
    new Model(obj).validate();
    return [];
  } catch (e) {
    return [`${obj.kind}/${obj.metadata?.name}: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`];
  }
}

/**
 * kubernetes-models does not flag unknown fields; TypeScript's excess-property check on object
 * literals typed with its interfaces does, at any depth.
 */
export function unknownFieldErrors(objs: K8sObject[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-fields-'));
  const file = join(dir, 'manifests.ts');
  const lines = objs.map(
    (o, i) =>
      `import type { I${o.kind} as T${i} } from ${JSON.stringify(require.resolve(modelPath(o)).replace(/\.js$/, ''))};\nexport const o${i}: T${i} = ${JSON.stringify(o, null, 1)};`,
  );
  writeFileSync(file, lines.join('\n'));
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      const idx = Number(
        (
          d.file
            ?.getFullText()
            .split('\n')
            .slice(0, line + 1)
            .reverse()
            .find((l) => /^export const o\d+/.test(l)) ?? 'o0'
        ).match(/o(\d+)/)?.[1] ?? 0,
      );
      return `${objs[idx]?.kind}/${objs[idx]?.metadata?.name}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

/**
 * Every container: requests and limits, non-root, read-only root, no capabilities; long-running ones
 * (Deployment/StatefulSet/DaemonSet containers and sidecars) also the three probes. Init containers and
 * Job containers run to completion: Kubernetes refuses probes on init containers, and they mean nothing there.
 */
export function policyErrors(objs: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const o of objs.filter((x) => WORKLOADS.has(x.kind))) {
    const pod = o.spec?.template?.spec ?? {};
    const oneShot = (c: { restartPolicy?: string }, init: boolean) => o.kind === 'Job' || (init && c.restartPolicy !== 'Always');
    for (const [c, init] of [
      ...(pod.initContainers ?? []).map((c: unknown) => [c, true]),
      ...(pod.containers ?? []).map((c: unknown) => [c, false]),
    ] as [any, boolean][]) {
      const where = `${o.kind}/${o.metadata.name} ${init ? 'init container' : 'container'} ${c.name}`;
      if (oneShot(c, init)) {
        for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe'])
          if (c[p] && init) errors.push(`${where}: init containers cannot have a ${p}`);
      } else {
        for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe']) if (!c[p]) errors.push(`${where}: no ${p}`);
      }
      for (const r of ['cpu', 'memory']) {
        if (!c.resources?.requests?.[r]) errors.push(`${where}: no resources.requests.${r}`);
        if (!c.resources?.limits?.[r]) errors.push(`${where}: no resources.limits.${r}`);
      }
      const sc = c.securityContext ?? {};
      if (!(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot)) errors.push(`${where}: runAsNonRoot is not set`);
      if ((sc.runAsUser ?? pod.securityContext?.runAsUser) === 0) errors.push(`${where}: runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true) errors.push(`${where}: root filesystem is writable`);
      if (sc.allowPrivilegeEscalation !== false) errors.push(`${where}: allowPrivilegeEscalation is not false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) errors.push(`${where}: capabilities are not dropped`);
    }
  }
  return errors;
}

/** Images of our apps must be ones the release workflow builds; others must be pinned third-party images. */
export function imageErrors(objs: K8sObject[], releasedApps: string[], thirdParty: RegExp[]): string[] {
  const errors: string[] = [];
  for (const o of objs.filter((x) => WORKLOADS.has(x.kind))) {
    for (const c of [...(o.spec.template.spec.initContainers ?? []), ...(o.spec.template.spec.containers ?? [])]) {
      const image: string = c.image ?? '';
      const ours = /(?:^|\/)nitro-([a-z-]+):([\w.-]+)$/.exec(image);
      if (ours) {
        if (!releasedApps.includes(ours[1])) errors.push(`${o.metadata.name}: image ${image} is not built by the release workflow`);
        if (ours[2] === 'latest') errors.push(`${o.metadata.name}: image ${image} uses the moving tag "latest"`);
      } else if (!thirdParty.some((r) => r.test(image))) {
        errors.push(`${o.metadata.name}: image ${image} is neither ours nor an allowed pinned third-party image`);
      }
    }
  }
  return errors;
}

/** The app matrix of .github/workflows/release.yml. */
export function releasedApps(): string[] {
  const wf = YAML.parse(require('node:fs').readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8'));
  return wf.jobs.image.strategy.matrix.app;
}

/** A Secret in the manifests replaces the real one on every apply; one with an empty value breaks the apps. */
export function secretErrors(objs: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const o of objs.filter((x) => x.kind === 'Secret')) {
    const values: Record<string, string> = { ...(o.data ?? {}), ...(o.stringData ?? {}) };
    if (Object.keys(values).length === 0) errors.push(`Secret/${o.metadata.name}: has no values`);
    for (const [k, v] of Object.entries(values))
      if (v === '' || v === null || v === undefined) errors.push(`Secret/${o.metadata.name}: ${k} is empty`);
  }
  return errors;
}

/** Deployments scaled by an HPA must not set replicas (each apply would reset what the HPA chose). */
export function hpaReplicaErrors(objs: K8sObject[]): string[] {
  return objs
    .filter((h) => h.kind === 'HorizontalPodAutoscaler')
    .map((h) => ({ h, target: objs.find((d) => d.kind === h.spec.scaleTargetRef.kind && d.metadata.name === h.spec.scaleTargetRef.name) }))
    .flatMap(({ h, target }) => {
      if (!target)
        return [
          `HorizontalPodAutoscaler/${h.metadata.name}: scales ${h.spec.scaleTargetRef.kind}/${h.spec.scaleTargetRef.name}, which is not rendered`,
        ];
      return target.spec.replicas !== undefined
        ? [
            `${target.kind}/${target.metadata.name}: sets replicas (${target.spec.replicas}) but HorizontalPodAutoscaler/${h.metadata.name} scales it`,
          ]
        : [];
    });
}

/** Our apps (images nitro-<app>): liveness on /health, readiness on /health/ready. Third-party images keep their own. */
export function probePathErrors(objs: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const o of objs.filter((x) => x.kind === 'Deployment')) {
    for (const c of (o.spec.template.spec.containers ?? []).filter((x: { image?: string }) =>
      /(?:^|\/)nitro-[a-z-]+:/.test(x.image ?? ''),
    )) {
      if (c.readinessProbe?.httpGet?.path !== '/health/ready')
        errors.push(`${o.metadata.name}: readinessProbe is ${c.readinessProbe?.httpGet?.path ?? 'not an HTTP GET'}, not /health/ready`);
      if (c.livenessProbe?.httpGet?.path !== '/health')
        errors.push(`${o.metadata.name}: livenessProbe is ${c.livenessProbe?.httpGet?.path ?? 'not an HTTP GET'}, not /health`);
    }
  }
  return errors;
}

/** NetworkPolicy peers chosen by labels an operator sets, never by a namespace's name. */
export function networkPolicyErrors(objs: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const o of objs.filter((x) => x.kind === 'NetworkPolicy')) {
    for (const rule of [...(o.spec.ingress ?? []), ...(o.spec.egress ?? [])]) {
      for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
        const ns = peer.namespaceSelector;
        if (!ns) continue;
        const keys = [...Object.keys(ns.matchLabels ?? {}), ...(ns.matchExpressions ?? []).map((e: { key: string }) => e.key)];
        if (keys.includes('kubernetes.io/metadata.name')) errors.push(`NetworkPolicy/${o.metadata.name}: selects a namespace by its name`);
        if (keys.length === 0) errors.push(`NetworkPolicy/${o.metadata.name}: an empty namespaceSelector admits every namespace`);
      }
    }
  }
  return errors;
}

/** Every host the Ingresses serve must refuse /metrics (ingress-nginx: a /metrics path denied to every address). */
export function edgeMetricsErrors(objs: K8sObject[]): string[] {
  const ingresses = objs.filter((x) => x.kind === 'Ingress');
  const denyAll = (i: K8sObject) => {
    const ranges = String(
      (i.metadata.annotations as Record<string, string> | undefined)?.['nginx.ingress.kubernetes.io/denylist-source-range'] ?? '',
    )
      .split(',')
      .map((r) => r.trim());
    return ranges.includes('0.0.0.0/0') && ranges.includes('::/0');
  };
  const errors: string[] = [];
  for (const i of ingresses) {
    for (const rule of i.spec.rules ?? []) {
      const exposes = (rule.http?.paths ?? []).some(
        (p: { path: string; pathType: string }) => p.pathType === 'Prefix' && '/metrics'.startsWith(p.path.replace(/\/$/, '') + '/'),
      );
      if (!exposes) continue;
      const blocked = ingresses.some(
        (b) =>
          denyAll(b) &&
          (b.spec.rules ?? []).some(
            (r: { host?: string; http?: { paths?: { path: string }[] } }) =>
              r.host === rule.host && (r.http?.paths ?? []).some((p) => p.path === '/metrics'),
          ),
      );
      if (!blocked) errors.push(`Ingress/${i.metadata.name}: host ${rule.host ?? '*'} forwards /metrics to the internet`);
    }
  }
  return errors;
}

/**
 * Host names the manifests point at (`scheme://name[:port]` in ConfigMap values, container env values,
 * commands and args) that are in-cluster short names must be Services the same render creates:
 * a reference to a Service nobody deploys (e.g. OLLAMA_HOST=http://ollama:11434 without Ollama) fails.
 */
export function danglingServiceErrors(objs: K8sObject[]): string[] {
  const services = new Set(objs.filter((x) => x.kind === 'Service').map((x) => x.metadata.name));
  const errors: string[] = [];
  const check = (where: string, value: unknown) => {
    for (const m of String(value ?? '').matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([a-z0-9-]+)(?=[:/"'\s]|$)/g)) {
      const host = m[1];
      if (host === 'localhost' || services.has(host)) continue;
      errors.push(`${where}: refers to the Service "${host}", which these manifests do not create`);
    }
  };
  for (const o of objs) {
    if (o.kind === 'ConfigMap') for (const [k, v] of Object.entries(o.data ?? {})) check(`ConfigMap/${o.metadata.name} ${k}`, v);
    if (!WORKLOADS.has(o.kind)) continue;
    const pod = o.spec?.template?.spec ?? {};
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const where = `${o.kind}/${o.metadata.name} container ${c.name}`;
      for (const e of c.env ?? []) check(`${where} env ${e.name}`, e.value);
      for (const part of [...(c.command ?? []), ...(c.args ?? [])]) check(`${where} command`, part);
    }
  }
  return errors;
}
