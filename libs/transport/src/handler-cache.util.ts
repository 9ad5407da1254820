import type { MessageHandler } from '@nestjs/microservices';

/**
 * Wire pattern -> handler (null: none), looked up once per pattern: Nest's `getHandlerByPattern`
 * JSON.parses (and throws for) every plain string pattern. Bounded: junk patterns sent by a broken
 * client must not grow it forever (past 1,000 entries it starts over).
 */
export class HandlerCache {
  private readonly cache = new Map<string, MessageHandler | null>();

  constructor(private readonly lookup: (pattern: string) => MessageHandler | null) {}

  get(pattern: string): MessageHandler | null {
    let handler = this.cache.get(pattern);
    if (handler === undefined) {
      handler = this.lookup(pattern);
      if (this.cache.size > 1_000) this.cache.clear();
      this.cache.set(pattern, handler);
    }
    return handler;
  }
}
