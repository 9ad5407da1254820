import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { releaseWorkflowErrors } from '../../tools/validate/workflows.validate';

const ROOT = join(__dirname, '..', '..');
const load = (name: string) => YAML.parse(readFileSync(join(ROOT, '.github', 'workflows', name), 'utf8'));

describe('release workflow', () => {
  it('runs only after CI passed, pushes immutable tags to a configurable registry, with an SBOM and a blocking vulnerability scan', () => {
    expect(releaseWorkflowErrors(load('ci.yml'), load('release.yml'))).toEqual([]);
  });

  it('the check fails for the old shape (push trigger, :latest, hard-coded registry, no SBOM or scan)', () => {
    const old = YAML.parse(`
on: { push: { branches: [main], tags: ["v*"] } }
jobs:
  image:
    strategy: { matrix: { app: [gateway] } }
    steps:
      - uses: docker/login-action@v3
        with: { registry: ghcr.io }
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: ghcr.io/nitro-ai/nitro-\${{ matrix.app }}
          tags: |
            type=sha,format=long,prefix=
            type=raw,value=latest,enable={{is_default_branch}}
      - uses: docker/build-push-action@v6
        with: { push: true, tags: "\${{ steps.meta.outputs.tags }}" }
`);
    const ci = load('ci.yml');
    delete ci.jobs.release;
    const problems = releaseWorkflowErrors(ci, old).join('\n');
    expect(problems).toMatch(/triggered by push/);
    expect(problems).toMatch(/no CI job calls release.yml/);
    expect(problems).toMatch(/latest/);
    expect(problems).toMatch(/registry is hard-coded/);
    expect(problems).toMatch(/no SBOM/);
    expect(problems).toMatch(/no vulnerability scan/);
  });
});
