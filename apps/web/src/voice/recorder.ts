/** Containers MediaRecorder may produce, best first; the voice service takes all of them. */
const TYPES: [mime: string, ext: string][] = [
  ['audio/webm;codecs=opus', 'webm'],
  ['audio/ogg;codecs=opus', 'ogg'],
  ['audio/mp4', 'm4a'],
];

export interface Recording {
  blob: Blob;
  filename: string;
  seconds: number;
}

/**
 * The microphone through MediaRecorder, with a live input level for the meter. The tracks are
 * released as soon as recording stops, so the browser's "recording" indicator goes away.
 */
export class Recorder {
  private stream?: MediaStream;
  private recorder?: MediaRecorder;
  private audio?: AudioContext;
  private analyser?: AnalyserNode;
  private chunks: Blob[] = [];
  private started = 0;

  static supported(): boolean {
    return typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  }

  get recording(): boolean {
    return this.recorder?.state === 'recording';
  }

  async start(): Promise<void> {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
    const [mime] = TYPES.find(([t]) => MediaRecorder.isTypeSupported(t)) ?? [''];
    this.recorder = new MediaRecorder(this.stream, mime ? { mimeType: mime } : undefined);
    this.chunks = [];
    this.recorder.addEventListener('dataavailable', (e) => e.data.size && this.chunks.push(e.data));
    this.recorder.start(250);
    this.started = performance.now();
    try {
      this.audio = new AudioContext();
      this.analyser = this.audio.createAnalyser();
      this.analyser.fftSize = 512;
      this.audio.createMediaStreamSource(this.stream).connect(this.analyser);
    } catch {
      /* the meter is a nicety; recording works without it */
    }
  }

  /** 0..1, the loudness of the last few milliseconds. */
  level(): number {
    if (!this.analyser) return 0;
    const buf = new Uint8Array(this.analyser.fftSize);
    this.analyser.getByteTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += ((v - 128) / 128) ** 2;
    return Math.min(1, Math.sqrt(sum / buf.length) * 4);
  }

  elapsed(): number {
    return this.recording ? (performance.now() - this.started) / 1000 : 0;
  }

  async stop(): Promise<Recording | null> {
    const rec = this.recorder;
    if (!rec || rec.state === 'inactive') return (this.release(), null);
    const seconds = this.elapsed();
    const done = new Promise((r) => rec.addEventListener('stop', r, { once: true }));
    rec.stop();
    await done;
    this.release();
    const type = rec.mimeType || 'audio/webm';
    const ext = TYPES.find(([t]) => type.startsWith(t.split(';')[0]))?.[1] ?? 'webm';
    return { blob: new Blob(this.chunks, { type }), filename: `recording.${ext}`, seconds };
  }

  release(): void {
    this.stream?.getTracks().forEach((t) => t.stop());
    void this.audio?.close().catch(() => undefined);
    this.stream = undefined;
    this.audio = undefined;
    this.analyser = undefined;
  }
}
