/**
 * Plays audio clips one after another as they arrive (one per sentence of a streamed answer),
 * through one visible <audio controls> element so the person can pause, seek or replay.
 */
export class AudioQueue {
  readonly element: HTMLAudioElement;
  private readonly urls: string[] = [];
  private next = 0;
  private busy = false;

  constructor(label: string) {
    this.element = document.createElement('audio');
    this.element.controls = true;
    this.element.setAttribute('aria-label', label);
    this.element.addEventListener('ended', () => {
      this.busy = false;
      this.play();
    });
  }

  get length(): number {
    return this.urls.length;
  }

  add(blob: Blob): void {
    this.urls.push(URL.createObjectURL(blob));
    this.play();
  }

  /** Starts again from the first clip. */
  replay(): void {
    this.next = 0;
    this.busy = false;
    this.play();
  }

  private play(): void {
    if (this.busy || this.next >= this.urls.length) return;
    this.busy = true;
    this.element.src = this.urls[this.next++];
    // Autoplay may be refused (no recent click); the controls are there to start it by hand.
    this.element.play().catch(() => (this.busy = false));
  }

  dispose(): void {
    this.element.pause();
    this.urls.forEach((u) => URL.revokeObjectURL(u));
    this.urls.length = 0;
  }
}

export function base64ToBlob(base64: string, type: string): Blob {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}
