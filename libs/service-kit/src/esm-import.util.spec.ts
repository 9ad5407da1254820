import { importEsm } from './esm-import.util';

describe('importEsm', () => {
  it('imports a module for real, also inside jest (no import hook in its vm context)', async () => {
    const path = await importEsm<typeof import('node:path')>('node:path');
    expect(path.posix.join('a', 'b')).toBe('a/b');
  });

  it('passes other failures on', async () => {
    await expect(importEsm('nitro-no-such-package')).rejects.toMatchObject({ code: expect.stringMatching(/NOT_FOUND/) });
  });
});
