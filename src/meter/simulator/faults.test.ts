import { describe, expect, it } from 'vitest';
import { corrupt, createFaultPlan, type Fault } from './faults.ts';
import { checksum, encodeFrame } from '../dlt645/frame.ts';
import { readResponse } from '../dlt645/messages.ts';

const draw = (plan: ReturnType<typeof createFaultPlan>, n: number) =>
  Array.from({ length: n }, () => plan.next()?.kind ?? 'none');

describe('fault plans', () => {
  it('draw the same faults from the same seed, other faults from another, near the given rates', () => {
    const rates = { drop: 0.2, corrupt: 0.1, delay: 0.1, delayMs: 50 };
    const a = draw(createFaultPlan({ ...rates, seed: 7 }), 2_000);
    expect(draw(createFaultPlan({ ...rates, seed: 7 }), 2_000)).toEqual(a);
    expect(draw(createFaultPlan({ ...rates, seed: 8 }), 2_000)).not.toEqual(a);
    const share = (kind: string) => a.filter((k) => k === kind).length / a.length;
    expect(share('drop')).toBeGreaterThan(0.17);
    expect(share('drop')).toBeLessThan(0.23);
    expect(share('corrupt')).toBeGreaterThan(0.08);
    expect(share('corrupt')).toBeLessThan(0.12);
    expect(share('none')).toBeGreaterThan(0.55);
  });

  it('play scripted faults first, in order, and count every fault committed', () => {
    const plan = createFaultPlan();
    const script: Fault[] = [{ kind: 'drop' }, { kind: 'delay', ms: 10 }, { kind: 'corrupt' }];
    plan.script(...script);
    expect([plan.next(), plan.next(), plan.next(), plan.next()]).toEqual([...script, undefined]);
    expect(plan.counts).toEqual({ drop: 1, delay: 1, corrupt: 1 });
  });

  it('corrupt a reply so that its checksum no longer matches', () => {
    const bytes = encodeFrame(readResponse('000000000001', 0x00010000, Uint8Array.of(1, 2, 3, 4)));
    const damaged = corrupt(bytes);
    expect(damaged.length).toBe(bytes.length);
    expect(damaged[damaged.length - 2]).not.toBe(checksum(damaged, 0, damaged.length - 2));
  });
});
