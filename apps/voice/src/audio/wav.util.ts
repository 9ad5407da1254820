/** PCM WAV layout, read from the chunks (engines write LIST/fact chunks and even bogus sizes). */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataOffset: number;
  dataBytes: number;
  /** Seconds of audio in the data chunk. */
  duration: number;
}

export function parseWav(buf: Buffer): WavInfo {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a RIFF/WAVE file');
  let pos = 12;
  let fmt: { sampleRate: number; channels: number; bitsPerSample: number } | undefined;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      fmt = { channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bitsPerSample: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data chunk before its fmt chunk');
      // Streamed WAVs (espeak-ng --stdout, ffmpeg to a pipe) leave the size at 0 or 0xFFFFFFFF: use what is there.
      const dataBytes = size === 0 || body + size > buf.length ? buf.length - body : size;
      const bytesPerSecond = fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8);
      return { ...fmt, dataOffset: body, dataBytes, duration: bytesPerSecond > 0 ? dataBytes / bytesPerSecond : 0 };
    }
    pos = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk');
}

/** A canonical 44-byte header for 16-bit PCM. */
export function wavHeader(dataBytes: number, sampleRate: number, channels = 1, bitsPerSample = 16): Buffer {
  const h = Buffer.alloc(44);
  const blockAlign = channels * (bitsPerSample / 8);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(bitsPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Joins WAVs of one format (the sentences of one answer, one voice) into a single file. */
export function concatWav(parts: Buffer[]): Buffer {
  if (parts.length === 0) throw new Error('nothing to join');
  const infos = parts.map(parseWav);
  const first = infos[0];
  if (infos.some((i) => i.sampleRate !== first.sampleRate || i.channels !== first.channels || i.bitsPerSample !== first.bitsPerSample)) {
    throw new Error('WAV parts differ in sample rate, channels or sample size');
  }
  const datas = parts.map((p, i) => p.subarray(infos[i].dataOffset, infos[i].dataOffset + infos[i].dataBytes));
  const total = datas.reduce((n, d) => n + d.length, 0);
  return Buffer.concat([wavHeader(total, first.sampleRate, first.channels, first.bitsPerSample), ...datas]);
}
