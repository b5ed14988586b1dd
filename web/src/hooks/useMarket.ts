import { useState } from 'react';
import { api } from '../api/client';
import type { Market } from '../api/types';
import { useAsync, type Async } from './useAsync';
import { useLiveReload } from './live';

export interface MarketState extends Async<Market> {
  /** Wall-clock milliseconds when `data.clock.chainTime` arrived: the countdown extrapolates from it. */
  receivedAtMs: number;
}

/** GET /api/market, refreshed whenever the server announces a phase change. */
export function useMarket(): MarketState {
  const [receivedAtMs, setReceivedAtMs] = useState(() => Date.now());
  const market = useAsync(async () => {
    const answer = await api.get<Market>('/market');
    setReceivedAtMs(Date.now());
    return answer;
  }, []);
  useLiveReload(['clock', 'period'], market.reload, 200);
  return { ...market, receivedAtMs };
}
