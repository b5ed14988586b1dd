/**
 * One lane for the platform's own transactions. The relayer, the keeper and the gateway share an
 * account, and a node hands out nonces per account: two of them sending at once would collide. Every
 * writer runs inside this lock; reads never need it.
 */
export interface ChainLock {
  run<T>(work: () => Promise<T>): Promise<T>;
}

export function createChainLock(): ChainLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      const result = tail.then(work, work);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
