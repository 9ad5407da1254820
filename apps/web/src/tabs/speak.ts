import { api, errorFrom } from '../api';

let playing: HTMLAudioElement | null = null;

/** Text-to-speech of any text through POST /voice/speak; plays in the page. */
export async function speakText(text: string): Promise<void> {
  playing?.pause();
  const res = await api('/voice/speak', { method: 'POST', json: { text: text.slice(0, 5000), format: 'mp3' } });
  if (!res.ok) {
    alert((await errorFrom(res)).message);
    return;
  }
  const url = URL.createObjectURL(await res.blob());
  playing = new Audio(url);
  playing.addEventListener('ended', () => URL.revokeObjectURL(url));
  await playing.play().catch(() => undefined);
}
