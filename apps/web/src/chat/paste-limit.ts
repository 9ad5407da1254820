import { toast } from '../dom';

/**
 * A text box's maxlength cuts a long paste without a word: say so. `advice` follows the sentence (e.g. where a long
 * text goes instead). Counts as maxlength does, in UTF-16 units; the selection being replaced makes room.
 */
export function warnWhenPasteCut(area: HTMLTextAreaElement, advice = ''): void {
  area.addEventListener('paste', (e) => {
    const max = area.maxLength;
    if (max < 0) return;
    const pasted = e.clipboardData?.getData('text') ?? '';
    const room = max - area.value.length + (area.selectionEnd - area.selectionStart);
    if (pasted.length > room)
      toast(`A message holds up to ${max.toLocaleString('en')} characters, so the paste was cut.${advice ? ` ${advice}` : ''}`, 'error');
  });
}
