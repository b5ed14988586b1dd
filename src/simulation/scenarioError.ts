import { WattLedgerError } from '../core/errors.ts';

/** A scenario file that cannot be run: names the file, the field and the reason. */
export class ScenarioError extends WattLedgerError {
  override readonly name = 'ScenarioError';

  constructor(file: string, field: string, reason: string) {
    super('SCENARIO_INVALID', `${file}: ${field}: ${reason}`, { field, details: { file } });
  }
}
