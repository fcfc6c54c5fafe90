import { z } from 'zod';
import './openapi';

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * A whole number in a query string, written in plain decimal digits: `0x10`, `1e1`, ` 5`, `+5`,
 * `5.0` and `05` are 400s naming the parameter, not silently read as numbers. Documented as an
 * integer with its range, which is what clients send.
 */
export const queryInteger = ({ min, max, fallback }: { min: number; max: number; fallback: number }) =>
  z
    .string()
    .refine((text) => DECIMAL.test(text), { message: 'must be a whole number in decimal digits', abort: true })
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be from ${min} to ${max}`)
    .default(fallback)
    .openapi({ type: 'integer', minimum: min, maximum: max, default: fallback });
