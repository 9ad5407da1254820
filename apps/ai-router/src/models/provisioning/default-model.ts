/**
 * The default chat model: the one file `scripts/start.sh`, compose's `models-init` and the Kubernetes
 * init container fetch when no model is present. Pinned here, and only here, by exact URL and sha256.
 * `NITRO_DEFAULT_MODEL_URL` / `NITRO_DEFAULT_MODEL_SHA256` override them (a mirror, an air-gapped server).
 */
export interface ModelPin {
  /** Shown to the user before the download. */
  name: string;
  /** An http(s) URL of one .gguf file. */
  url: string;
  /**
   * sha256 of the file (64 hex digits). `null` means not pinned yet: the provisioner then refuses
   * to download (it never uses a file it cannot verify) and says how to supply the digest.
   */
  sha256: string | null;
  /** Approximate size in bytes, printed before the exact size is known. */
  approxBytes: number;
  /** SPDX licence id and where to read it. */
  licence: string;
  licenceUrl: string;
  /** Why this model: shown in `--help` and docs. */
  note: string;
}

/**
 * Qwen2.5 0.5B Instruct, Q4_K_M GGUF, from the Qwen organisation on Hugging Face: an instruction-tuned
 * chat model (0.49B parameters, Apache-2.0) with a chat template, 491,400,032 bytes, usable on a laptop CPU.
 *
 * The URL names the repository revision (9217f5db…), not `main`, so the bytes behind it cannot change
 * under the pinned digest. The digest is the file's published LFS sha256 (the "SHA256" field on
 * https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/blob/main/qwen2.5-0.5b-instruct-q4_k_m.gguf),
 * cross-checked against several independent public manifests that pin the same file, size and revision.
 */
export const DEFAULT_CHAT_MODEL: ModelPin = {
  name: 'Qwen2.5 0.5B Instruct (Q4_K_M, GGUF)',
  url: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/9217f5db79a29953eb74d5343926648285ec7e67/qwen2.5-0.5b-instruct-q4_k_m.gguf',
  sha256: '74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db',
  approxBytes: 491_400_032,
  licence: 'Apache-2.0',
  licenceUrl: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/blob/main/LICENSE',
  note: 'instruction-tuned chat model, 0.49B parameters, runs on a laptop CPU',
};

/** The pin after the environment's overrides; a custom URL keeps the pinned digest unless one is given. */
export function effectiveDefaultModel(
  env: { NITRO_DEFAULT_MODEL_URL: string; NITRO_DEFAULT_MODEL_SHA256: string },
  pin: ModelPin = DEFAULT_CHAT_MODEL,
): ModelPin {
  const url = env.NITRO_DEFAULT_MODEL_URL || pin.url;
  const custom = url !== pin.url;
  return {
    ...pin,
    url,
    sha256: env.NITRO_DEFAULT_MODEL_SHA256 ? env.NITRO_DEFAULT_MODEL_SHA256.toLowerCase() : pin.sha256,
    name: custom ? `${fileNameOf(url)} (from NITRO_DEFAULT_MODEL_URL)` : pin.name,
    licence: custom ? 'as published with the file (custom URL)' : pin.licence,
    licenceUrl: custom ? url : pin.licenceUrl,
  };
}

/** The file name a URL saves to: its last path segment, decoded. */
export function fileNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
}
