import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, Observable } from 'rxjs';

/** One request/reply over the transport; errors keep their RpcErrorPayload / transport code for the filter. */
export function call<T>(client: ClientProxy, pattern: string, data: unknown): Promise<T> {
  return firstValueFrom(client.send<T>(pattern, data));
}

/** A streamed reply: packets in order, completes when the handler completes. */
export function stream<T>(client: ClientProxy, pattern: string, data: unknown): Observable<T> {
  return client.send<T>(pattern, data);
}
