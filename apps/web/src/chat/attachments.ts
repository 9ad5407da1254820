import { apiJson } from '../api';
import { errorBox, h } from '../dom';
import { icon } from '../icons';
import type { ChatAttachmentDto, ChatMessageAttachmentDto } from '@nitro/contracts';

/**
 * What the file picker offers; the server decides from the bytes anyway (415 otherwise). Images go to a model that
 * reads them when the message is sent (400 IMAGES_NOT_SUPPORTED, said like any failed send, when none can).
 */
const ACCEPT =
  '.txt,.md,.markdown,.csv,.tsv,.json,.jsonl,.yaml,.yml,.xml,.html,.css,.log,.ini,.toml,.py,.js,.ts,.tsx,.jsx,.java,.c,.h,.cpp,.cs,.go,.rs,.rb,.php,.sh,.sql,.pdf,text/*,application/pdf,' +
  '.png,.jpg,.jpeg,.webp,.gif,image/png,image/jpeg,image/webp,image/gif';
/** As MAX_ATTACHMENTS_PER_MESSAGE in contracts (a value import would pull class-validator into the first screen). */
const MAX_FILES = 4;

const size = (a: { kind: string; chars: number; truncated?: boolean; bytes?: number }) =>
  a.kind === 'image'
    ? `image${a.bytes ? `, ${Math.max(1, Math.round(a.bytes / 1024)).toLocaleString()} kB` : ''}`
    : `${a.chars.toLocaleString()} characters${a.truncated ? ', cut short' : ''}`;
const prefix = (kind: string) => (kind === 'pdf' ? 'PDF · ' : kind === 'image' ? 'Image · ' : '');

/** The chips of a stored question's files (name, size), read-only; an image by its name (its bytes are not stored). */
export function attachmentChips(list: ChatMessageAttachmentDto[]): HTMLElement {
  return h(
    'ul',
    { class: 'chips', 'aria-label': 'Attached files' },
    ...list.map((a) => h('li', { class: 'chip', title: size(a) }, prefix(a.kind), a.name)),
  );
}

/**
 * The composer's attachments: an **Attach file** button, a chip per file (name, size, **Remove …**), and the
 * upload's error beside them. Each file is sent to POST /chat/attachments as it is picked (its text is
 * extracted there); the message then carries the ids. Chips stay when a send fails, go when it succeeds.
 */
export function attachmentTray() {
  let attached: ChatAttachmentDto[] = [];
  /** Thumbnails of picked images (blob: URLs, allowed by the CSP's img-src), released when their chip goes. */
  const thumbs = new Map<string, string>();
  const release = (keep: ChatAttachmentDto[]) => {
    for (const [id, url] of thumbs) {
      if (keep.some((a) => a.attachment_id === id)) continue;
      URL.revokeObjectURL(url);
      thumbs.delete(id);
    }
  };
  let uploading: Promise<unknown> = Promise.resolve();
  const chips = h('ul', { class: 'chips', 'aria-label': 'Files to send', hidden: true });
  const status = h('div', { class: 'attach-status', 'aria-live': 'polite' });
  const picker = h('input', { type: 'file', accept: ACCEPT, multiple: true, hidden: true, 'aria-label': 'File to attach' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'btn-secondary',
      id: 'chat-attach',
      'aria-label': 'Attach file',
      title: 'Attach file (text, code, CSV, JSON, PDF, image)',
    },
    icon('paperclip', 16),
    'Attach',
  );
  button.addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    const files = [...(picker.files ?? [])];
    picker.value = '';
    uploading = uploading.then(() => uploadAll(files));
  });

  function draw() {
    release(attached);
    chips.hidden = !attached.length;
    button.disabled = attached.length >= MAX_FILES;
    chips.replaceChildren(
      ...attached.map((a) =>
        h(
          'li',
          { class: 'chip', title: size(a) },
          thumbs.has(a.attachment_id)
            ? h('img', { class: 'chip-thumb', src: thumbs.get(a.attachment_id), alt: '', width: 20, height: 20 })
            : '',
          h('span', {}, prefix(a.kind), a.name),
          h(
            'button',
            {
              type: 'button',
              class: 'link-btn',
              'aria-label': `Remove ${a.name}`,
              title: `Remove ${a.name}`,
              // Removing a file also clears what was said about the files (e.g. "At most 4 files…").
              onclick: () => ((attached = attached.filter((x) => x !== a)), status.replaceChildren(), draw(), button.focus()),
            },
            icon('close', 14),
          ),
        ),
      ),
    );
  }

  async function uploadAll(files: File[]) {
    status.replaceChildren();
    for (const file of files) {
      if (attached.length >= MAX_FILES) {
        status.replaceChildren(errorBox(`At most ${MAX_FILES} files per message: ${file.name} was not attached.`));
        break;
      }
      status.replaceChildren(h('span', { class: 'muted small' }, `Reading ${file.name}…`));
      try {
        const a = await upload(file);
        if (a.kind === 'image') thumbs.set(a.attachment_id, URL.createObjectURL(file));
        attached.push(a);
        status.replaceChildren();
      } catch (e) {
        // Said beside the composer in the server's words (415 names the type, 400 the limit), naming the file once.
        const said = (e as Error).message;
        status.replaceChildren(errorBox(said.includes(file.name) ? said.replace(/^file: /, '') : `${file.name}: ${said}`));
      }
      draw();
    }
  }

  const upload = (file: Blob & { name: string }) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return apiJson<ChatAttachmentDto>('/chat/attachments', { method: 'POST', body: form });
  };

  return {
    el: h('div', { class: 'attachments' }, button, picker, chips, status),
    /** Resolves once the files being read are done (a message sent meanwhile waits for them). */
    ready: () => uploading,
    /** `{ attachments: ids }` for the request body, or nothing. */
    payload: () => (attached.length ? { attachments: attached.map((a) => a.attachment_id) } : {}),
    clear() {
      attached = [];
      status.replaceChildren();
      draw();
    },
    /**
     * Regenerate / Edit of a question that had files: their stored text is uploaded again (ids may have expired)
     * and returned as a request payload, leaving the composer's own files alone (they belong to the draft).
     * Images are stored by name only, so they cannot be: the person is told to pick them again.
     */
    async reattach(list: ChatMessageAttachmentDto[] | undefined): Promise<{ attachments?: string[] }> {
      const texts = (list ?? []).filter((a) => a.kind !== 'image');
      const images = (list ?? []).filter((a) => a.kind === 'image');
      if (images.length)
        status.replaceChildren(
          h('span', { class: 'muted small' }, `Images are not kept: attach ${images.map((a) => a.name).join(', ')} again to send them.`),
        );
      if (!texts.length) return {};
      const again = await Promise.all(texts.map((a) => upload(new File([a.text], a.kind === 'pdf' ? `${a.name}.txt` : a.name))));
      return { attachments: again.map((a) => a.attachment_id) };
    },
  };
}
