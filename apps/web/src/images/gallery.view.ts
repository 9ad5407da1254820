import { api, apiJson, currentSession, errorFrom } from '../api';
import { clear, errorBox, formatBytes, h, toast } from '../dom';
import { AuthedUrls, download } from './authed-url';
import type { GalleryItemDto, GalleryPageDto } from '@nitro/contracts';

export type GalleryItem = GalleryItemDto;
type GalleryPage = GalleryPageDto;

const PAGE = 24;

/** The gallery: newest first, thumbnails, a full view in a dialog, download and delete. */
export class GalleryView {
  readonly el: HTMLElement;
  private readonly grid = h('ul', { class: 'gallery', 'aria-label': 'Your images' });
  private readonly count = h('span', { class: 'muted small' });
  private readonly more = h('button', { type: 'button', class: 'btn-secondary', hidden: true }, 'Load more');
  private readonly status = h('div', {});
  private readonly dialog = h('dialog', { class: 'viewer', 'aria-label': 'Image' });
  private readonly items = new Map<string, GalleryItem>();
  private next: number | null = 0;
  private total = 0;

  constructor(
    private readonly urls: AuthedUrls,
    private readonly signal: AbortSignal,
  ) {
    this.more.addEventListener('click', () => void this.load());
    // A click on the backdrop (outside the dialog's box) closes it, as people expect.
    this.dialog.addEventListener('click', (e) => e.target === this.dialog && this.dialog.close());
    this.el = h(
      'section',
      { class: 'card', 'aria-labelledby': 'gallery-title' },
      h('div', { class: 'card-head' }, h('h3', { id: 'gallery-title' }, 'Gallery ', this.count)),
      this.status,
      this.grid,
      h('div', { class: 'pager' }, this.more),
      this.dialog,
    );
  }

  async load(reset = false): Promise<void> {
    if (reset) {
      this.next = 0;
      this.items.clear();
      clear(this.grid);
    }
    if (this.next === null) return;
    clear(this.status);
    try {
      const page = await apiJson<GalleryPage>(
        `/gallery/${encodeURIComponent(currentSession()!.userId)}?offset=${this.next}&limit=${PAGE}`,
        { signal: this.signal },
      );
      for (const item of page.items) this.add(item, false);
      this.next = page.next_offset;
      this.total = page.total;
      this.refreshCount();
      if (!this.items.size) this.status.append(h('p', { class: 'muted' }, 'No images yet: describe one on the left.'));
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.status.append(errorBox((err as Error).message, () => void this.load()));
    }
  }

  /** New images from a finished job go first, without reloading the page of results. */
  prepend(items: GalleryItem[]): void {
    clear(this.status);
    for (const item of [...items].reverse()) {
      if (this.items.has(item.filename)) continue;
      this.add(item, true);
      this.total++;
    }
    this.refreshCount();
  }

  private refreshCount() {
    this.count.textContent = this.total ? `(${this.total})` : '';
    this.more.hidden = this.next === null;
  }

  private add(item: GalleryItem, first: boolean) {
    this.items.set(item.filename, item);
    const img = h('img', { alt: item.prompt, width: 170, height: 170, decoding: 'async' });
    void this.urls.get(item.thumbnail_url).then(
      (u) => (img.src = u),
      () => img.replaceWith(h('span', { class: 'muted small' }, 'thumbnail unavailable')),
    );
    const del = h('button', { type: 'button', class: 'btn-secondary danger', 'aria-label': `Delete image: ${item.prompt}` }, 'Delete');
    const li = h(
      'li',
      { 'data-filename': item.filename },
      h(
        'figure',
        { class: 'tile' },
        h(
          'button',
          { type: 'button', class: 'tile-open', 'aria-label': `View full size: ${item.prompt}`, onclick: () => void this.view(item) },
          img,
        ),
        h(
          'figcaption',
          {},
          h('span', { class: 'prompt', title: item.prompt }, item.prompt),
          h('span', { class: 'muted' }, `${item.width}×${item.height} · ${item.ai_source}`),
          h(
            'div',
            { class: 'tile-actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'btn-secondary',
                'aria-label': `Download image: ${item.prompt}`,
                onclick: () => void this.save(item),
              },
              'Download',
            ),
            del,
          ),
        ),
      ),
    );
    del.addEventListener('click', () => void this.remove(item, li));
    if (first) this.grid.prepend(li);
    else this.grid.append(li);
  }

  private async view(item: GalleryItem) {
    const img = h('img', { alt: item.prompt });
    const close = h('button', { type: 'button', class: 'btn-secondary', onclick: () => this.dialog.close() }, 'Close');
    this.dialog.replaceChildren(
      img,
      h(
        'div',
        { class: 'viewer-bar' },
        h(
          'div',
          { class: 'prompt' },
          h('strong', {}, item.prompt),
          h(
            'div',
            { class: 'muted small' },
            `${item.width}×${item.height} · ${formatBytes(item.bytes)} · ${item.ai_source} / ${item.ai_model} · seed ${item.seed}${item.style_preset ? ` · ${item.style_preset}` : ''}`,
          ),
        ),
        h('button', { type: 'button', class: 'btn-primary', onclick: () => void this.save(item) }, 'Download'),
        close,
      ),
    );
    this.dialog.showModal();
    close.focus();
    try {
      img.src = await this.urls.get(item.url);
    } catch (err) {
      img.replaceWith(errorBox((err as Error).message));
    }
  }

  private async save(item: GalleryItem) {
    try {
      await download(this.urls, item.url, item.filename);
    } catch (err) {
      toast(`Download failed: ${(err as Error).message}`, 'error');
    }
  }

  private async remove(item: GalleryItem, li: HTMLElement) {
    if (!confirm(`Delete this image?\n\n${item.prompt}`)) return;
    const res = await api(`/gallery/${encodeURIComponent(currentSession()!.userId)}/${encodeURIComponent(item.filename)}`, {
      method: 'DELETE',
      signal: this.signal,
    });
    if (!res.ok && res.status !== 404) return toast(`Not deleted: ${(await errorFrom(res)).message}`, 'error');
    // Focus moves to the next tile (or the previous) so keyboard users are not dropped to <body>.
    const nextFocus = (li.nextElementSibling ?? li.previousElementSibling)?.querySelector('button');
    li.remove();
    this.items.delete(item.filename);
    this.urls.release(item.url);
    this.urls.release(item.thumbnail_url);
    this.total = Math.max(0, this.total - 1);
    this.refreshCount();
    if (!this.items.size) this.status.append(h('p', { class: 'muted' }, 'No images yet: describe one on the left.'));
    (nextFocus as HTMLElement | null)?.focus();
    toast('Image deleted.');
  }
}
