import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * A model file to pull, as an admin writes it (POST /admin/models/pull `model`):
 * - `hf:<user>/<repo>/<path>.gguf`, optionally `#<revision>` (branch, tag or commit; default `main`): one file of a
 *   Hugging Face repository, fetched from `<MODEL_HF_ENDPOINT>/<user>/<repo>/resolve/<revision>/<path>` — the URL form
 *   node-llama-cpp's own `hf:` URIs resolve to (https://node-llama-cpp.withcat.ai/guide/downloading-models#model-uris).
 *   The quantisation shorthand (`hf:<user>/<repo>:Q4_K_M`) needs the Hugging Face API to pick a file and is not taken.
 * - an `http://` or `https://` URL whose last path segment is the `.gguf` file name.
 */
export type ParsedModelUri =
  | { kind: 'hf'; user: string; repo: string; path: string; revision: string; fileName: string }
  | { kind: 'url'; url: string; fileName: string };

/** What a saved model file may be called: one plain path segment ending in .gguf (no `/`, `\`, no leading dot). */
export const MODEL_FILE_NAME_PATTERN = /^[\w+-][\w.+-]{0,194}\.gguf$/i;

export const MODEL_URI_MESSAGE =
  'model must be "hf:<user>/<repo>/<file>.gguf" (optionally "#<revision>") or an http(s):// URL of a .gguf file';

const HF_PART = /^[\w.-]{1,96}$/;

/** Parses a model URI; null when it is neither form (the caller answers 400 naming `model`). */
export function parseModelUri(uri: string): ParsedModelUri | null {
  if (typeof uri !== 'string' || uri.length > 2048) return null;
  if (uri.startsWith('hf:')) {
    const [ref, revision = 'main', ...extra] = uri.slice(3).replace(/^\/\//, '').split('#');
    const parts = ref.split('/');
    if (extra.length || parts.length < 3 || !/^[\w./-]{1,128}$/.test(revision) || revision.includes('..')) return null;
    const [user, repo, ...rest] = parts;
    const fileName = rest[rest.length - 1];
    if (!HF_PART.test(user) || !HF_PART.test(repo) || rest.some((p) => !HF_PART.test(p) || p === '..' || p === '.')) return null;
    if (!MODEL_FILE_NAME_PATTERN.test(fileName)) return null;
    return { kind: 'hf', user, repo, path: rest.join('/'), revision, fileName };
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) return null; // credentials in a URL would be stored with the job and shown in listings
  let fileName: string;
  try {
    fileName = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
  } catch {
    return null;
  }
  return MODEL_FILE_NAME_PATTERN.test(fileName) ? { kind: 'url', url: url.href, fileName } : null;
}

/** The download URL of a parsed URI; `hfEndpoint` is MODEL_HF_ENDPOINT (default https://huggingface.co). */
export function modelDownloadUrl(parsed: ParsedModelUri, hfEndpoint = 'https://huggingface.co'): string {
  if (parsed.kind === 'url') return parsed.url;
  const base = hfEndpoint.replace(/\/+$/, '');
  const path = parsed.path.split('/').map(encodeURIComponent).join('/');
  return `${base}/${parsed.user}/${parsed.repo}/resolve/${encodeURIComponent(parsed.revision)}/${path}`;
}

/** class-validator: the field is a model URI parseModelUri accepts. */
export function IsModelUri(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isModelUri',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseModelUri(value) !== null,
        defaultMessage: () => MODEL_URI_MESSAGE,
      },
    },
    options,
  );
}
