import { apiJson, currentSession } from '../api';
import { busy, clear, field, h } from '../dom';
import { problemBox } from '../problem';
import { shortDate } from '../search/citations';
import { safeHref } from './search.tab';
import type { VideoResultDto } from '@nitro/contracts';

type Video = VideoResultDto;

let last: { query: string; provider: string; results: Video[] } | null = null;

/**
 * Only YouTube embeds are framed (the CSP's frame-src allows exactly those), and always through
 * youtube-nocookie.com so watching sets no tracking cookie. Anything else opens at its source.
 */
export function embedSrc(embed?: string | null): string | null {
  if (!embed) return null;
  try {
    const u = new URL(embed);
    const id = /^\/embed\/([\w-]{6,20})$/.exec(u.pathname)?.[1];
    if (u.protocol !== 'https:' || !/^(www\.)?youtube(-nocookie)?\.com$/.test(u.hostname) || !id) return null;
    return `https://www.youtube-nocookie.com/embed/${id}?autoplay=1&rel=0`;
  } catch {
    return null;
  }
}

/** Video search: a grid of thumbnails; choosing one plays it in an embedded player above the grid. */
export function videoTab(root: HTMLElement, signal: AbortSignal): void {
  const user = currentSession()!.userId;
  const query = h('input', {
    type: 'search',
    required: true,
    maxlength: 500,
    placeholder: 'Find a video…',
    autocomplete: 'off',
    enterkeyhint: 'search',
  });
  const go = h('button', { type: 'submit', class: 'btn-primary' }, 'Search');
  const player = h('section', { class: 'player-wrap', 'aria-label': 'Player', hidden: true });
  const out = h('div', { 'aria-live': 'polite' });
  root.append(
    h(
      'form',
      { class: 'card', role: 'search', onsubmit: (e: Event) => (e.preventDefault(), void busy(go, 'Searching…', run)) },
      h('h2', { class: 'visually-hidden' }, 'Video search'),
      h('div', { class: 'row' }, field('Search videos', query), go),
    ),
    player,
    out,
  );

  async function run() {
    const q = query.value.trim();
    if (!q) return;
    clear(out);
    out.append(h('p', { class: 'muted' }, 'Searching…'));
    try {
      const res = await apiJson<{ provider: string; results: Video[] }>('/video/search', {
        method: 'POST',
        json: { query: q, user_id: user, options: { max_results: 12 } },
        signal,
      });
      last = { query: q, provider: res.provider, results: res.results };
      draw();
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      clear(out);
      out.append(problemBox(err as Error, 'video', () => void busy(go, 'Searching…', run)));
    }
  }

  function play(v: Video) {
    const src = embedSrc(v.embed_url);
    clear(player);
    player.hidden = false;
    const close = h(
      'button',
      { type: 'button', class: 'btn-secondary', onclick: () => (clear(player), (player.hidden = true)) },
      'Close player',
    );
    if (src) {
      player.append(
        h('iframe', {
          class: 'player',
          src,
          title: `Video: ${v.title}`,
          allow: 'autoplay; encrypted-media; picture-in-picture; fullscreen',
          allowfullscreen: true,
          // The gateway sends Referrer-Policy: no-referrer; YouTube's player refuses to start without one.
          referrerpolicy: 'strict-origin-when-cross-origin',
          sandbox: 'allow-scripts allow-same-origin allow-presentation allow-popups',
        }),
      );
    } else
      player.append(
        h(
          'p',
          {},
          'This video cannot be embedded here. ',
          h('a', { href: safeHref(v.url), target: '_blank', rel: 'noopener noreferrer' }, 'Watch it at its source'),
        ),
      );
    player.append(h('div', { class: 'row player-bar' }, h('strong', {}, v.title), close));
    player.scrollIntoView({ block: 'nearest' });
    (player.querySelector('iframe') ?? close).focus();
  }

  function draw() {
    clear(out);
    if (!last) return;
    if (!last.results.length) return void out.append(h('p', { class: 'muted' }, 'No videos found.'));
    out.append(
      h('p', { class: 'muted small' }, `${last.results.length} videos from ${last.provider}`),
      h('ul', { class: 'video-grid' }, ...last.results.map((v) => h('li', {}, card(v)))),
    );
  }

  function card(v: Video): HTMLElement {
    const thumb = h('div', { class: 'thumb' });
    if (v.thumbnail && safeHref(v.thumbnail) !== '#') {
      const img = h('img', { src: v.thumbnail, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' });
      img.addEventListener('error', () => img.replaceWith(h('span', { class: 'thumb-missing', 'aria-hidden': 'true' }, '▶')));
      thumb.append(img);
    } else thumb.append(h('span', { class: 'thumb-missing', 'aria-hidden': 'true' }, '▶'));
    // The button's name comes from its content (hidden "Play <title>" + the visible duration), so
    // what is seen is part of what is announced.
    thumb.append(h('span', { class: 'visually-hidden' }, `Play ${v.title}`));
    if (v.duration) thumb.append(h('span', { class: 'duration' }, v.duration));
    return h(
      'article',
      { class: 'video-card' },
      h('button', { type: 'button', class: 'thumb-btn', onclick: () => play(v) }, thumb),
      h(
        'div',
        { class: 'video-info' },
        h('a', { href: safeHref(v.url), target: '_blank', rel: 'noopener noreferrer', class: 'result-title' }, v.title),
        h('div', { class: 'source' }, [v.channel, v.source, shortDate(v.published_at)].filter(Boolean).join(' · ')),
      ),
    );
  }

  if (last) {
    query.value = last.query;
    draw();
  } else query.focus();
}
