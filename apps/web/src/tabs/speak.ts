import { api, errorFrom } from '../api';
import { toast } from '../dom';

/** What is being read aloud: fetched (abort), then playing (audio); `done` tells its button it ended. */
interface Reading {
  text: string;
  abort: AbortController;
  audio?: HTMLAudioElement;
  url?: string;
  done: () => void;
}

let reading: Reading | null = null;

/** Stops what is being read, whether its audio is still being fetched or already playing. */
export function stopReading(): void {
  const r = reading;
  if (!r) return;
  reading = null;
  r.abort.abort();
  r.audio?.pause();
  if (r.url) URL.revokeObjectURL(r.url);
  r.done();
}

/**
 * Text-to-speech of any text through POST /voice/speak; plays in the page, errors as a toast. One reading at a time:
 * asked again for the text being read (fetching or playing), it stops (Read aloud is also its own Stop); another text
 * replaces it. A click while the audio is still being fetched counts too, so a double click never plays two clips.
 * `state(true)` when it starts, `state(false)` when it ends, is stopped or fails (the button's aria-pressed).
 */
export async function speakText(text: string, state: (speaking: boolean) => void = () => {}): Promise<void> {
  const again = reading?.text === text;
  stopReading();
  if (again) return;
  const r: Reading = { text, abort: new AbortController(), done: () => state(false) };
  reading = r;
  state(true);
  try {
    const res = await api('/voice/speak', { method: 'POST', json: { text: text.slice(0, 5000), format: 'mp3' }, signal: r.abort.signal });
    if (!res.ok) throw await errorFrom(res);
    const blob = await res.blob();
    if (reading !== r) return; // stopped or replaced meanwhile
    r.url = URL.createObjectURL(blob);
    r.audio = new Audio(r.url);
    r.audio.addEventListener('ended', () => reading === r && stopReading());
    await r.audio.play();
  } catch (err) {
    if (reading === r) stopReading();
    const name = (err as Error).name;
    if (name !== 'NotAllowedError' && name !== 'AbortError') toast(`Could not read aloud: ${(err as Error).message}`, 'error');
  }
}

/** Whether `text` is being read (fetched or playing); if so, `state(false)` is what its end now tells (a redrawn button). */
export function followReading(text: string, state: (speaking: boolean) => void): boolean {
  if (reading?.text !== text) return false;
  reading.done = () => state(false);
  return true;
}
