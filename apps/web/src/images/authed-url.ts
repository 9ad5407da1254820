import { api, errorFrom } from '../api';

/**
 * Gallery files need the bearer token, which an <img src> cannot send: they are fetched with it
 * and shown through blob: URLs (allowed by the CSP's img-src). Each URL is fetched once per tab
 * visit and released when the tab is left.
 */
export class AuthedUrls {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', () => this.releaseAll());
  }

  get(path: string): Promise<string> {
    let hit = this.urls.get(path);
    if (!hit) {
      hit = api(path, { signal: this.signal }).then(async (res) => {
        if (!res.ok) throw await errorFrom(res);
        return URL.createObjectURL(await res.blob());
      });
      hit.catch(() => this.urls.delete(path));
      this.urls.set(path, hit);
    }
    return hit;
  }

  release(path: string): void {
    void this.urls.get(path)?.then(
      (u) => URL.revokeObjectURL(u),
      () => undefined,
    );
    this.urls.delete(path);
  }

  private releaseAll(): void {
    for (const path of [...this.urls.keys()]) this.release(path);
  }
}

/** Saves a file the way a download link would, after fetching it with the token. */
export async function download(urls: AuthedUrls, path: string, filename: string): Promise<void> {
  const a = document.createElement('a');
  a.href = await urls.get(path);
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
}
