import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { ERROR_CODES } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';

const forbidden = (message: string) => new ServiceError(403, ERROR_CODES.forbidden, message);

/** True when `real` is the root itself or below it (both already real paths). */
export function isInside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The workspace root's real path; a 503 naming the variable when it does not exist. */
export async function workspaceRoot(configured: string): Promise<string> {
  try {
    return await realpath(resolve(configured));
  } catch {
    throw new ServiceError(
      503,
      'WORKSPACE_UNAVAILABLE',
      `the workspace root ${configured} (AGENTS_WORKSPACE_ROOT) does not exist on this replica`,
    );
  }
}

/**
 * A user-supplied path as a real path inside the workspace. Refused with 403: absolute paths,
 * any `..` segment, and paths whose real location (after symlinks) is outside the root.
 */
export async function resolveInside(root: string, userPath: string): Promise<string> {
  if (userPath.includes('\0')) throw new ServiceError(400, ERROR_CODES.validation, 'data.path must not contain NUL characters');
  if (isAbsolute(userPath) || /^[A-Za-z]:/.test(userPath) || userPath.startsWith('\\'))
    throw forbidden('data.path must be relative to the workspace root; absolute paths are refused');
  if (userPath.split(/[\\/]+/).includes('..')) throw forbidden('data.path must not contain ".." segments');
  let real: string;
  try {
    real = await realpath(resolve(root, userPath));
  } catch {
    throw new ServiceError(404, ERROR_CODES.notFound, `data.path "${userPath}" does not exist in the workspace`);
  }
  if (!isInside(root, real)) throw forbidden(`data.path "${userPath}" leads outside the workspace (through a symbolic link)`);
  return real;
}
