/** What other packages (the end-to-end tests) may use of thermos; `main.ts` is the process. */
export { startThermos, type Thermos } from './thermos';
export { parseThermosEnv, type ThermosEnv } from './env';
export { builtWorkflowBundle, buildWorkflowBundle, workflowBundlePath, WorkflowBundleError } from './workflow-bundle';
export { ensureSweepSchedule } from './sweep-schedule';
export { fetchRunChain } from './workflow-histories';
