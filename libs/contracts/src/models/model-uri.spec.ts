import { modelDownloadUrl, parseModelUri } from './model-uri';

describe('parseModelUri / modelDownloadUrl', () => {
  it('takes hf:<user>/<repo>/<file>.gguf and resolves it like node-llama-cpp (resolve/<revision>)', () => {
    const p = parseModelUri('hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf');
    expect(p).toEqual({
      kind: 'hf',
      user: 'Qwen',
      repo: 'Qwen2.5-0.5B-Instruct-GGUF',
      path: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
      revision: 'main',
      fileName: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
    });
    expect(modelDownloadUrl(p!)).toBe(
      'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf',
    );
  });

  it('keeps a folder inside the repository and a #revision, and honours another endpoint', () => {
    const p = parseModelUri('hf:user/repo/q4/model.Q4_K_M.gguf#9217f5db');
    expect(p).toMatchObject({ path: 'q4/model.Q4_K_M.gguf', revision: '9217f5db', fileName: 'model.Q4_K_M.gguf' });
    expect(modelDownloadUrl(p!, 'http://127.0.0.1:9/')).toBe('http://127.0.0.1:9/user/repo/resolve/9217f5db/q4/model.Q4_K_M.gguf');
  });

  it('takes an http(s) URL of a .gguf file, named after its last path segment', () => {
    expect(parseModelUri('https://example.org/m/x-1.gguf?download=true')).toEqual({
      kind: 'url',
      url: 'https://example.org/m/x-1.gguf?download=true',
      fileName: 'x-1.gguf',
    });
  });

  it.each([
    ['ftp://example.org/x.gguf'],
    ['file:///etc/x.gguf'],
    ['https://example.org/x.bin'],
    ['https://user:secret@example.org/x.gguf'],
    ['https://example.org/..%2F..%2Fx.gguf'],
    ['https://example.org/%2e%2e.gguf'],
    ['hf:user/repo'],
    ['hf:user/repo:Q4_K_M'],
    ['hf:user/repo/../x.gguf'],
    ['hf:user/repo/x.gguf#a#b'],
    ['hf:user/repo/.hidden.gguf'],
    ['models/x.gguf'],
    [''],
  ])('refuses %s', (uri) => expect(parseModelUri(uri)).toBeNull());
});
