import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { periodEnergy, REGISTER_WRAP_WH, RegisterWentBackwardsError } from './registerDelta.ts';

describe('periodEnergy', () => {
  it('is the growth of each register', () => {
    expect(
      periodEnergy(
        '000000000001',
        { forwardWh: 1_000n, reverseWh: 50n },
        { forwardWh: 1_310n, reverseWh: 50n },
      ),
    ).toEqual({
      importWh: 310n,
      exportWh: 0n,
    });
  });

  it('counts through the rollover at 999999.99 kWh', () => {
    const before = { forwardWh: REGISTER_WRAP_WH - 20n, reverseWh: 0n };
    expect(periodEnergy('000000000001', before, { forwardWh: 30n, reverseWh: 0n })).toEqual({
      importWh: 50n,
      exportWh: 0n,
    });
  });

  it('refuses a register that went backwards, naming the meter and register', () => {
    const attempt = () =>
      periodEnergy(
        '000000000007',
        { forwardWh: 5_000n, reverseWh: 900n },
        { forwardWh: 5_000n, reverseWh: 100n },
      );
    expect(attempt).toThrow(RegisterWentBackwardsError);
    expect(attempt).toThrow(
      'meter 000000000007: the reverse active energy register went from 900 Wh to 100 Wh',
    );
  });

  it('gives back exactly the energy that flowed, whether or not a register rolled over', () => {
    const register = fc.bigInt({ min: 0n, max: REGISTER_WRAP_WH / 10n - 1n }).map((steps) => steps * 10n);
    const flow = fc.bigInt({ min: 0n, max: 100_000n }).map((steps) => steps * 10n);
    fc.assert(
      fc.property(register, register, flow, flow, (forward, reverse, imported, exported) => {
        const after = {
          forwardWh: (forward + imported) % REGISTER_WRAP_WH,
          reverseWh: (reverse + exported) % REGISTER_WRAP_WH,
        };
        expect(periodEnergy('000000000001', { forwardWh: forward, reverseWh: reverse }, after)).toEqual({
          importWh: imported,
          exportWh: exported,
        });
      }),
      { seed: 999_999, numRuns: 2_000 },
    );
  });
});
