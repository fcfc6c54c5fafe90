import { z } from 'zod';
import { idField } from '../../../../schemas';

/** A project's endpoint as the org admin names it: `/dashboard/v1/projects/{id}/webhook_endpoints/{webhook_endpoint_id}`. */
export const projectWebhookEndpointParams = z.strictObject({ id: idField('prj', 'project'), webhook_endpoint_id: idField('we', 'webhook endpoint') });
