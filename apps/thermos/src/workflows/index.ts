export { revokeWorkflow } from './revoke';
export { healthWorkflow } from './health';
export { sweepWorkflow } from './sweep';
