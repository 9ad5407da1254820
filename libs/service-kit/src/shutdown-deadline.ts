import type { INestApplication } from '@nestjs/common';
import { getLogger } from '@nitro/observability';

/** What the process still holds open, by kind (Node's own names: TCPSocketWrap, Timeout, FSReqCallback …). */
export function activeResources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

/**
 * Gives shutdown a deadline. On SIGTERM/SIGINT Nest's shutdown hooks close the app (transport consumers,
 * HTTP server, module destroy hooks: queues, Redis clients, worker pools); any of them can wait forever
 * when Redis is gone (a reconnecting client, a BullMQ worker waiting for its lock). After `timeoutMs` the
 * process logs what it was still waiting for — the step and the open handles — and exits with code 1.
 * The timer is unref'd: a process that finishes earlier exits on its own, as before.
 */
export function installShutdownDeadline(
  app: INestApplication,
  service: string,
  timeoutMs: number,
  exit: (code: number) => void = (c) => process.exit(c),
): () => void {
  let step = 'signal received: closing the app (transport consumers, HTTP server, module shutdown hooks)';
  let started = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      // The second signal: Nest re-raising it after a clean close, or an impatient operator. Let it terminate.
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.kill(process.pid, signal);
      return;
    }
    started = Date.now();
    getLogger().info({ service, signal, deadline_ms: timeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      getLogger().error(
        { service, waiting_for: step, active_resources: activeResources(), deadline_ms: timeoutMs },
        `shutdown did not finish within ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS): exiting with code 1`,
      );
      exit(1);
    }, timeoutMs);
    timer.unref();
  };
  // Nest's own listeners (enableShutdownHooks) run app.close(); this one only starts the clock.
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const server = app.getHttpServer?.();
  server?.once?.('close', () => (step = 'module shutdown hooks (queues, Redis clients, worker pools) after the HTTP server closed'));
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
