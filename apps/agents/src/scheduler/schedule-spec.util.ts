import { getNextMillis } from 'bullmq';
import { ERROR_CODES, ScheduleTaskInputDto } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import { TaskSchedule } from './scheduled-task.types';

const bad = (message: string) => new ServiceError(400, ERROR_CODES.validation, message);
const TICKS_SAMPLED = 6;

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Shortest gap between the next few ticks of a cron expression (same parser BullMQ uses). */
function cronGap(pattern: string, tz: string | undefined, now: number): number {
  let prev: number | undefined;
  let gap = Infinity;
  let at = now;
  for (let i = 0; i < TICKS_SAMPLED; i++) {
    let next: number | undefined;
    try {
      next = getNextMillis(at, { pattern, ...(tz ? { tz } : {}) });
    } catch (err) {
      throw bad(`data.cron is not a valid cron expression: ${(err as Error).message}`);
    }
    if (next === undefined) {
      if (i === 0) throw bad('data.cron never fires');
      break;
    }
    if (prev !== undefined) gap = Math.min(gap, next - prev);
    prev = next;
    at = next;
  }
  return gap;
}

/** Exactly one of cron / every_ms / delay_ms, within the configured minimum interval. */
export function parseSchedule(input: ScheduleTaskInputDto, minIntervalMs: number, now = Date.now()): TaskSchedule {
  const given = (['cron', 'every_ms', 'delay_ms'] as const).filter((k) => input[k] !== undefined);
  if (given.length !== 1)
    throw bad(`data needs exactly one of cron, every_ms or delay_ms${given.length ? ` (got ${given.join(' and ')})` : ''}`);
  if (input.timezone !== undefined && input.cron === undefined) throw bad('data.timezone only applies to cron');
  if (input.every_ms !== undefined) {
    if (input.every_ms < minIntervalMs) throw bad(`data.every_ms must be at least ${minIntervalMs} (TASK_MIN_INTERVAL_MS)`);
    return { every_ms: input.every_ms };
  }
  if (input.delay_ms !== undefined) return { delay_ms: input.delay_ms };
  const cron = input.cron!.trim();
  const fields = cron.split(/\s+/).length;
  if (fields < 5 || fields > 6) throw bad('data.cron must have 5 fields (minute hour day month weekday) or 6 (seconds first)');
  if (input.timezone && !validTimezone(input.timezone))
    throw bad(`data.timezone "${input.timezone}" is not an IANA time zone (e.g. Europe/Berlin)`);
  const gap = cronGap(cron, input.timezone, now);
  if (gap < minIntervalMs) throw bad(`data.cron fires every ${gap} ms; the minimum interval is ${minIntervalMs} ms (TASK_MIN_INTERVAL_MS)`);
  return { cron, ...(input.timezone ? { timezone: input.timezone } : {}) };
}
