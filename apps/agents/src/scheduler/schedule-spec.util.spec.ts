import { parseSchedule } from './schedule-spec.util';

describe('parseSchedule', () => {
  const now = Date.UTC(2026, 10, 28, 10, 0, 0);
  it.each([
    [{ cron: '*/5 * * * *' }, { cron: '*/5 * * * *' }],
    [{ cron: '* * * * * *' }, { cron: '* * * * * *' }],
    [
      { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
      { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
    ],
    [{ every_ms: 1000 }, { every_ms: 1000 }],
    [{ delay_ms: 0 }, { delay_ms: 0 }],
  ])('accepts %j', (input, expected) => {
    expect(parseSchedule(input, 1000, now)).toEqual(expected);
  });

  it.each([
    [{}, /exactly one of cron, every_ms or delay_ms/],
    [{ cron: '* * * * *', every_ms: 5000 }, /got cron and every_ms/],
    [{ every_ms: 10 }, /every_ms must be at least 1000/],
    [{ cron: 'every day' }, /5 fields/],
    [{ cron: '61 * * * *' }, /data\.cron is not a valid cron expression/],
    [{ cron: '*/1 * * * * *' }, /fires every 1000 ms/],
    [{ cron: '* * * * *', timezone: 'Mars/Olympus' }, /data\.timezone/],
    [{ every_ms: 5000, timezone: 'UTC' }, /timezone only applies to cron/],
  ])('refuses %j with a 400 naming the field', (input, message) => {
    const min = (input as { cron?: string }).cron === '*/1 * * * * *' ? 2000 : 1000;
    expect(() => parseSchedule(input, min, now)).toThrow(message);
  });
});
