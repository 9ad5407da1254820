import { canonicalUserId } from '@nitro/contracts';

type Bag = Record<string, unknown> | undefined | null;

/**
 * Folds `user_id` in the path, the query and a JSON body to its canonical spelling (canonicalUserId),
 * in place, before validation and before any service sees it: "MixedCase" and "mixedcase" reach the
 * same data. Returns the first user_id found (the one the route acts on), or undefined.
 */
export function canonicalizeUserIds(req: { params?: unknown; query?: unknown; body?: unknown }): string | undefined {
  let target: string | undefined;
  for (const bag of [req.params, req.query, req.body] as Bag[]) {
    if (!bag || typeof bag !== 'object' || Array.isArray(bag) || typeof bag.user_id !== 'string') continue;
    bag.user_id = canonicalUserId(bag.user_id);
    target ??= bag.user_id as string;
  }
  return target;
}
