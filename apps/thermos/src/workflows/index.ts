export { revokeWorkflow } from './revoke';
export { healthWorkflow } from './health';
export { refreshAheadWorkflow } from './refresh-ahead';
export { sweepWorkflow } from './sweep';
export { webhookLaneWorkflow } from './webhook-lane';
