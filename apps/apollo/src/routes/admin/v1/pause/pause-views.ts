import { z } from 'zod';
import { plainText } from '../../../schemas';

export const pauseBody = z.strictObject({ reason: plainText(500).describe('why: shown in pause_state and on paused jobs, kept in the audit log') });
export const optionalReasonBody = z.strictObject({ reason: plainText(500).optional() });
export const pauseResponse = z.object({ paused: z.boolean(), changed: z.boolean().describe('false when it already was in that state') });
