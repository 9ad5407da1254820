import { PROVIDER_NAMES, type ProviderName } from '@nitro/contracts';

/** `<provider>/<model>`; the model part may itself contain `/` (Ollama's `hf.co/org/name`). */
export function parseModelId(id: string): { provider: ProviderName; model: string } | undefined {
  const slash = id.indexOf('/');
  if (slash <= 0) return undefined;
  const provider = id.slice(0, slash) as ProviderName;
  const model = id.slice(slash + 1);
  return (PROVIDER_NAMES as readonly string[]).includes(provider) && model ? { provider, model } : undefined;
}

export function modelId(provider: ProviderName, model: string): string {
  return `${provider}/${model}`;
}
