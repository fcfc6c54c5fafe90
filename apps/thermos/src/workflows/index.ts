export { revokeWorkflow } from './revoke';
export { healthWorkflow } from './health';
