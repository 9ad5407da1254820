import { IsInt, Max, Min } from 'class-validator';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommaList } from './comma-list';
import { CommonEnv } from './common.env';
import { ConfigError, configKeys, loadConfig } from './load-config';

class TestEnv extends CommonEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 8000;
  SECRET = '';
}

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const cfg = loadConfig(TestEnv, { PORT: '9001' });
    expect(cfg.PORT).toBe(9001);
    expect(cfg.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('names the bad variable and the value it got', () => {
    expect(() => loadConfig(TestEnv, { PORT: 'abc', REDIS_URL: 'http://x' })).toThrow(ConfigError);
    try {
      loadConfig(TestEnv, { PORT: '70000' });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT: .*65535.*"70000"/);
    }
  });

  it('reads NAME_FILE when NAME is unset (mounted secrets)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 's'), 'from-file\n');
    expect(loadConfig(TestEnv, { SECRET_FILE: join(dir, 's') }).SECRET).toBe('from-file');
    expect(loadConfig(TestEnv, { SECRET: 'env', SECRET_FILE: join(dir, 's') }).SECRET).toBe('env');
  });

  it('lists the variable names', () => {
    expect(configKeys(TestEnv)).toEqual(expect.arrayContaining(['PORT', 'REDIS_URL', 'SECRET']));
  });
});

describe('CommaList', () => {
  class ListEnv {
    @CommaList(['a', 'b', 'c'])
    NAMES: ('a' | 'b' | 'c')[] = ['a', 'b'];
  }

  it('reads a comma list into a typed array: trimmed, empty items and repeats dropped, order kept', () => {
    expect(loadConfig(ListEnv, { NAMES: ' c, a,,c ' }).NAMES).toEqual(['c', 'a']);
    expect(loadConfig(ListEnv, {}).NAMES).toEqual(['a', 'b']);
  });

  it('names the variable and the allowed names for an unknown one', () => {
    expect(() => loadConfig(ListEnv, { NAMES: 'a,z' })).toThrow('NAMES: must be a comma-separated list of a, b, c (got "a,z")');
  });
});
