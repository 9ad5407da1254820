import { DockerfileParser } from 'dockerfile-ast';

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS)/i;

/** Static checks on a Dockerfile: pinned bases, a non-root final USER, no secrets baked into ENV/ARG. */
export function checkDockerfile(content: string): string[] {
  const problems: string[] = [];
  const df = DockerfileParser.parse(content);
  const args = new Map<string, string>();
  for (const a of df.getInstructions().filter((i) => i.getKeyword() === 'ARG')) {
    const [name, value] = a.getArgumentsContent()?.split('=') ?? [];
    if (name) args.set(name.trim(), (value ?? '').trim());
  }
  const froms = df.getFROMs();
  if (!froms.length) problems.push('no FROM instruction');
  const stages = new Set(froms.map((f) => f.getBuildStage()).filter(Boolean) as string[]);
  for (const from of froms) {
    let image = from.getImage() ?? '';
    image = image.replace(/\$\{?(\w+)\}?/g, (_m, v: string) => args.get(v) ?? `$${v}`);
    if (stages.has(image)) continue;
    const tag = image.includes('@sha256:') ? 'digest' : image.split(':')[1];
    if (!tag || tag === 'latest' || !/\d/.test(tag))
      problems.push(`line ${from.getRange().start.line + 1}: base image "${image}" is not pinned to a version`);
  }
  const last = froms[froms.length - 1];
  const finalStart = last ? last.getRange().start.line : 0;
  const users = df.getInstructions().filter((i) => i.getKeyword() === 'USER' && i.getRange().start.line > finalStart);
  const finalUser = users[users.length - 1]?.getArgumentsContent()?.trim();
  if (!finalUser) problems.push('final stage has no USER: the container would run as root');
  else if (/^(root|0)(:|$)/.test(finalUser)) problems.push(`final stage runs as "${finalUser}"`);
  for (const inst of df.getInstructions().filter((i) => i.getKeyword() === 'ENV' || i.getKeyword() === 'ARG')) {
    const text = inst.getArgumentsContent() ?? '';
    for (const pair of text.split(/\s+/)) {
      const [name, value] = pair.split('=');
      if (name && SECRET_NAME.test(name) && value !== undefined && value !== '')
        problems.push(`line ${inst.getRange().start.line + 1}: ${inst.getKeyword()} ${name} bakes a secret into the image`);
    }
  }
  if (!df.getInstructions().some((i) => i.getKeyword() === 'HEALTHCHECK')) problems.push('no HEALTHCHECK');
  return problems;
}
