import { z } from 'zod';
import { idField } from '../../../../schemas';

/** A project's job (pj_, created with one of its API keys), as the org admin sees it. */
export const projectJobParams = z.strictObject({ id: idField('prj', 'project'), job_id: idField('pj', 'revoke job') });
