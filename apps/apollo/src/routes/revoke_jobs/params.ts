import { z } from 'zod';
import { idPattern } from '@at/common';
import type { JobSurface } from '../../use-cases/revoke-jobs/owner';

/** pj_ ids on the platform API, oj_ ids on the dashboard. */
export const jobIdParams = (surface: JobSurface) => {
  const prefix = surface.name === 'api' ? 'pj' : 'oj';
  return z.strictObject({ id: z.string().regex(idPattern(prefix), `must be a revoke job id (${prefix}_...)`) });
};
