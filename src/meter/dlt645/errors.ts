import { WattLedgerError } from '../../core/errors.ts';

export type FrameErrorCode =
  'FRAME_CHECKSUM' | 'FRAME_LENGTH' | 'FRAME_DELIMITER' | 'FRAME_TRUNCATED' | 'FRAME_FIELD';

/** A frame that is not a valid DL/T 645-2007 frame: bad checksum, length, delimiter or field. */
export class FrameError extends WattLedgerError {
  override readonly name = 'FrameError';
  declare readonly code: FrameErrorCode;
  constructor(code: FrameErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}

/** A value or identifier the codec cannot represent: bad BCD digit, unknown data identifier, value out of range. */
export class MeterDataError extends WattLedgerError {
  override readonly name = 'MeterDataError';
  constructor(field: string, reason: string, details: Record<string, unknown> = {}) {
    super('METER_DATA', `${field}: ${reason}`, { field, details });
  }
}
