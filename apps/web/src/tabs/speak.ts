import { api, errorFrom } from '../api';
import { toast } from '../dom';

let playing: HTMLAudioElement | null = null;
let playingText: string | null = null;

/**
 * Text-to-speech of any text through POST /voice/speak; plays in the page, errors as a toast. Asked again for the
 * text that is playing, it stops (Read aloud is also its own Stop); another text replaces it.
 */
export async function speakText(text: string): Promise<void> {
  const again = playing !== null && !playing.paused && !playing.ended && playingText === text;
  playing?.pause();
  playing = null;
  playingText = null;
  if (again) return;
  playingText = text;
  try {
    const res = await api('/voice/speak', { method: 'POST', json: { text: text.slice(0, 5000), format: 'mp3' } });
    if (!res.ok) throw await errorFrom(res);
    const url = URL.createObjectURL(await res.blob());
    playing = new Audio(url);
    playing.addEventListener('ended', () => URL.revokeObjectURL(url));
    await playing.play();
  } catch (err) {
    if ((err as Error).name !== 'NotAllowedError') toast(`Could not read aloud: ${(err as Error).message}`, 'error');
  }
}
