/**
 * The etcd client the cluster uses (the `etcd3` package), tuned for a 3 s takeover:
 * unary calls give up after 2 s, a member that failed three calls in a row is skipped
 * for 1 s (etcd3's default is 5 s), each call is tried on up to three members, and a
 * broken watch stream reconnects after 100 ms to 1 s (the default backs off to 30 s).
 */
import {
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
} from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';

/** How long one unary call to etcd may take. */
export const CALL_DEADLINE_MS = 2000;

export function connectEtcd(endpoints: readonly string[]): Etcd3 {
  return new Etcd3({
    hosts: [...endpoints],
    dialTimeout: CALL_DEADLINE_MS,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + CALL_DEADLINE_MS }),
    faultHandling: {
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: 1000,
          breaker: new ConsecutiveBreaker(3),
        }),
      global: retry(handleWhen(isRecoverableError), { maxAttempts: 2 }),
      watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }).next(),
    },
  });
}

/** An etcd response's revision as a bigint. */
export function revisionOf(r: { header?: { revision?: string | number | null } | null }): bigint {
  return BigInt(r.header?.revision ?? 0);
}
