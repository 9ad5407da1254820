import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsIn, Matches } from 'class-validator';

/**
 * A variable that lists names in order, comma-separated (AI_PROVIDERS=ollama,local,gemini): read
 * into a typed array (trimmed, empty items and repeats dropped, first place kept), and validated
 * against `names` with the message "must be a comma-separated list of a, b, c" naming the variable.
 * The property's default is the array itself.
 */
export function CommaList(names: readonly string[]): PropertyDecorator {
  const message = `must be a comma-separated list of ${names.join(', ')}`;
  const transform = Transform(({ value }) => (typeof value === 'string' ? parseCommaList(value) : value));
  const known = IsIn(names as string[], { each: true, message });
  const some = ArrayNotEmpty({ message });
  return (target, key) => {
    transform(target, key);
    known(target, key);
    some(target, key);
  };
}

/**
 * A variable listing network addresses `host:port`, comma-separated (REDIS_CLUSTER_NODES=10.0.0.1:7000,10.0.0.2:7000):
 * read like CommaList into a typed array; empty is allowed (the feature is off). IPv6 hosts go in brackets ([::1]:7000).
 */
export function HostPortList(): PropertyDecorator {
  const transform = Transform(({ value }) => (typeof value === 'string' ? parseCommaList(value) : value));
  const each = Matches(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/, {
    each: true,
    message: 'must be a comma-separated list of host:port',
  });
  return (target, key) => {
    transform(target, key);
    each(target, key);
  };
}

/** "a, b,,a" -> ["a", "b"]: the order of first appearance is the order things are tried in. */
export function parseCommaList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}
