import { buildZip, pngWithExif } from '../../test/fixtures/file-fixtures';
import { sniffMagic } from './magic-type.util';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffMagic (file-type)', () => {
  it('names the kinds the analyser reads: PDF, PNG, ZIP', async () => {
    expect(await sniffMagic(bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n'))).toEqual({
      kind: 'pdf',
      mime: 'application/pdf',
      format: 'pdf',
    });
    expect(await sniffMagic(await pngWithExif())).toEqual({ kind: 'image', mime: 'image/png', format: 'png' });
    expect(await sniffMagic(buildZip([{ name: 'a.txt', content: 'a' }]))).toMatchObject({ kind: 'zip', mime: 'application/zip' });
  });

  it('maps other signatures to the same kinds as before', async () => {
    expect(await sniffMagic(bytes([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]))).toMatchObject({ kind: 'gzip', mime: 'application/gzip' });
    expect(await sniffMagic(bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]))).toMatchObject({ kind: 'archive', format: '7z' });
    expect(await sniffMagic(bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], Array(56).fill(0)))).toMatchObject({
      kind: 'executable',
      format: 'elf',
    });
    expect(await sniffMagic(bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toMatchObject({ kind: 'executable', mime: 'application/wasm' });
    expect(await sniffMagic(bytes('SQLite format 3\0', Array(84).fill(0)))).toMatchObject({ kind: 'database', format: 'sqlite' });
    expect(await sniffMagic(bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ', Array(24).fill(0)))).toMatchObject({
      kind: 'audio',
      mime: 'audio/wav',
    });
  });

  it('leaves text formats to the text path and unknown bytes to the caller', async () => {
    expect(await sniffMagic(bytes('<?xml version="1.0"?>\n<a/>\n'))).toBeNull();
    expect(await sniffMagic(bytes('city,population\nOslo,709037\n'))).toBeNull();
    expect(await sniffMagic(bytes([0, 1, 2, 3, 250, 251, 0, 9]))).toBeNull();
  });
});
