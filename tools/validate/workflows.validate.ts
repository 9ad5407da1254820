interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, any>;
}

/**
 * What the release workflow must guarantee, read from the parsed ci.yml and release.yml:
 * it runs only when called by a CI job that needs the test job (so only green commits ship),
 * pushes immutable tags (commit sha, version) and never "latest", takes its registry from a
 * variable, and scans the image (failing the job) before pushing it with an SBOM.
 */
export function releaseWorkflowErrors(ci: any, release: any): string[] {
  const errors: string[] = [];
  const triggers = typeof release.on === 'string' ? [release.on] : Array.isArray(release.on) ? release.on : Object.keys(release.on ?? {});
  for (const t of triggers)
    if (t !== 'workflow_call' && t !== 'workflow_run') errors.push(`release.yml is triggered by ${t}: it must only run after CI succeeded`);
  if (triggers.includes('workflow_run')) {
    const ifs = Object.values<any>(release.jobs ?? {}).map((j) => String(j.if ?? ''));
    if (!ifs.every((c) => c.includes("workflow_run.conclusion == 'success'")))
      errors.push('release.yml on workflow_run does not check that CI succeeded');
  } else {
    const caller = Object.entries<any>(ci.jobs ?? {}).find(([, j]) => String(j.uses ?? '').endsWith('.github/workflows/release.yml'));
    if (!caller) errors.push('no CI job calls release.yml');
    else {
      const needs = [caller[1].needs ?? []].flat();
      if (!needs.includes('test')) errors.push(`CI job ${caller[0]} calls release.yml without needing the test job`);
      if (!/github\.event_name == 'push'/.test(String(caller[1].if ?? '')))
        errors.push(`CI job ${caller[0]} would release from pull requests`);
    }
  }

  const steps: Step[] = Object.values<any>(release.jobs ?? {}).flatMap((j) => j.steps ?? []);
  const text = JSON.stringify(release);
  if (/value=latest|:latest\b|latest=true/.test(text)) errors.push('release.yml publishes the moving tag "latest"');
  const meta = steps.find((s) => s.uses?.startsWith('docker/metadata-action'));
  const tags = String(meta?.with?.tags ?? '');
  if (!/type=sha/.test(tags)) errors.push('release.yml does not tag images with the commit sha');
  if (!/type=semver/.test(tags)) errors.push('release.yml does not tag images with the version on a v* tag');
  if (meta && meta.with?.flavor !== 'latest=false')
    errors.push('docker/metadata-action adds "latest" on its own unless flavor is latest=false');
  if (/ghcr\.io\/nitro-ai/.test(text) || !/vars\.NITRO_REGISTRY/.test(text))
    errors.push('the registry is hard-coded: read it from vars.NITRO_REGISTRY so forks can push');

  const pushIdx = steps.findIndex((s) => s.uses?.startsWith('docker/build-push-action') && s.with?.push === true);
  const push = steps[pushIdx];
  if (!push) errors.push('no step pushes the image');
  else if (push.with?.sbom !== true) errors.push('the pushed image has no SBOM (sbom: true)');
  const scanIdx = steps.findIndex((s) => /aquasecurity\/trivy-action|anchore\/scan-action|docker\/scout-action/.test(s.uses ?? ''));
  const scan = steps[scanIdx];
  if (!scan) errors.push('no vulnerability scan step');
  else {
    if (String(scan.with?.['exit-code'] ?? scan.with?.['fail-build'] ?? '') !== '1' && scan.with?.['fail-build'] !== true)
      errors.push('the vulnerability scan cannot fail the release');
    if (pushIdx >= 0 && scanIdx > pushIdx) errors.push('the vulnerability scan runs after the push');
  }
  return errors;
}
