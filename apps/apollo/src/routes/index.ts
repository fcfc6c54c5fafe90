import type { AnyRoute } from '@at/http';
import type { ApolloContext } from '../context';
import { postOrgs } from './admin/v1/orgs/postOrgs';
import { deleteSession } from './console/api/session/deleteSession';
import { getSession } from './console/api/session/getSession';
import { postSession } from './console/api/session/postSession';
import { postRevokeTokens } from './admin/v1/revoke_tokens/postRevokeTokens';
import { postConnectedAccountRevoke } from './api/v1/connected_accounts/postConnectedAccountRevoke';
import { deleteAuthConfig } from './api/v1/auth_configs/deleteAuthConfig';
import { getAuthConfig } from './api/v1/auth_configs/getAuthConfig';
import { listAuthConfigs } from './api/v1/auth_configs/listAuthConfigs';
import { postAuthConfigs } from './api/v1/auth_configs/postAuthConfigs';
import { deleteConnectedAccount } from './api/v1/connected_accounts/deleteConnectedAccount';
import { getConnectedAccount } from './api/v1/connected_accounts/getConnectedAccount';
import { getConnectedAccountToken } from './api/v1/connected_accounts/getConnectedAccountToken';
import { putConnectedAccountCredentials } from './api/v1/connected_accounts/putConnectedAccountCredentials';
import { getConnectionHealth } from './api/v1/connection_health/getConnectionHealth';
import { listConnectedAccounts } from './api/v1/connected_accounts/listConnectedAccounts';
import { postConnectedAccounts } from './api/v1/connected_accounts/postConnectedAccounts';
import { postConnectedAccountsImport } from './api/v1/connected_accounts/import/postConnectedAccountsImport';
import { deleteApiKey } from './dashboard/v1/projects/api_keys/deleteApiKey';
import { listApiKeys } from './dashboard/v1/projects/api_keys/listApiKeys';
import { postApiKeys } from './dashboard/v1/projects/api_keys/postApiKeys';
import { deleteProject } from './dashboard/v1/projects/deleteProject';
import { getProject } from './dashboard/v1/projects/getProject';
import { listProjects } from './dashboard/v1/projects/listProjects';
import { postProjects } from './dashboard/v1/projects/postProjects';
import { patchProject } from './dashboard/v1/projects/patchProject';
import { postConnectSessions } from './api/v1/connect_sessions/postConnectSessions';
import { getConnectSession } from './api/v1/connect_sessions/getConnectSession';
import { postRevokeJobs as apiPostRevokeJobs } from './api/v1/revoke_jobs/postRevokeJobs';
import { listRevokeJobs as apiListRevokeJobs } from './api/v1/revoke_jobs/listRevokeJobs';
import { getRevokeJob as apiGetRevokeJob } from './api/v1/revoke_jobs/getRevokeJob';
import { listRevokeJobResults as apiListRevokeJobResults } from './api/v1/revoke_jobs/listRevokeJobResults';
import { postRevokeJobRetry as apiPostRevokeJobRetry } from './api/v1/revoke_jobs/postRevokeJobRetry';
import { postRevokeJobCancel as apiPostRevokeJobCancel } from './api/v1/revoke_jobs/postRevokeJobCancel';
import { postRevokeJobs as dashboardPostRevokeJobs } from './dashboard/v1/revoke_jobs/postRevokeJobs';
import { listRevokeJobs as dashboardListRevokeJobs } from './dashboard/v1/revoke_jobs/listRevokeJobs';
import { getRevokeJob as dashboardGetRevokeJob } from './dashboard/v1/revoke_jobs/getRevokeJob';
import { listRevokeJobResults as dashboardListRevokeJobResults } from './dashboard/v1/revoke_jobs/listRevokeJobResults';
import { postRevokeJobRetry as dashboardPostRevokeJobRetry } from './dashboard/v1/revoke_jobs/postRevokeJobRetry';
import { listConnectedAccounts as dashboardListConnectedAccounts } from './dashboard/v1/projects/connected_accounts/listConnectedAccounts';
import { getProjectConnectionHealth as dashboardGetConnectionHealth } from './dashboard/v1/projects/connection_health/getConnectionHealth';
import { postConnectedAccountRevoke as dashboardPostConnectedAccountRevoke } from './dashboard/v1/projects/connected_accounts/postConnectedAccountRevoke';
import { listRevokeJobs as projectListRevokeJobs } from './dashboard/v1/projects/revoke_jobs/listRevokeJobs';
import { getRevokeJob as projectGetRevokeJob } from './dashboard/v1/projects/revoke_jobs/getRevokeJob';
import { listRevokeJobResults as projectListRevokeJobResults } from './dashboard/v1/projects/revoke_jobs/listRevokeJobResults';
import { postRevokeJobRetry as projectPostRevokeJobRetry } from './dashboard/v1/projects/revoke_jobs/postRevokeJobRetry';
import { postRevokeJobCancel as dashboardPostRevokeJobCancel } from './dashboard/v1/revoke_jobs/postRevokeJobCancel';
import { postWebhookEndpoints } from './api/v1/webhook_endpoints/postWebhookEndpoints';
import { listWebhookEndpoints } from './api/v1/webhook_endpoints/listWebhookEndpoints';
import { getWebhookEndpoint } from './api/v1/webhook_endpoints/getWebhookEndpoint';
import { deleteWebhookEndpoint } from './api/v1/webhook_endpoints/deleteWebhookEndpoint';
import { postWebhookEndpointRotateSecret } from './api/v1/webhook_endpoints/postWebhookEndpointRotateSecret';
import { listWebhookDeliveries } from './api/v1/webhook_endpoints/deliveries/listWebhookDeliveries';
import { postWebhookDeliveryRetry } from './api/v1/webhook_endpoints/deliveries/postWebhookDeliveryRetry';
import { postPause } from './admin/v1/pause/postPause';
import { postResume } from './admin/v1/pause/postResume';
import { postProjectPause } from './dashboard/v1/projects/postProjectPause';
import { postProjectResume } from './dashboard/v1/projects/postProjectResume';
import { getPauseState } from './api/v1/pause_state/getPauseState';
import { getToolkit } from './api/v1/toolkits/getToolkit';
import { listToolkits } from './api/v1/toolkits/listToolkits';
import { listAuditEvents as apiListAuditEvents } from './api/v1/audit_events/listAuditEvents';
import { listAuditEvents as dashboardListAuditEvents } from './dashboard/v1/audit_events/listAuditEvents';
import { postRevokeJobCancel as projectPostRevokeJobCancel } from './dashboard/v1/projects/revoke_jobs/postRevokeJobCancel';
import { getProjectPauseState } from './dashboard/v1/projects/pause_state/getPauseState';
import { postConnectSessions as dashboardPostConnectSessions } from './dashboard/v1/projects/connect_sessions/postConnectSessions';
import { listWebhookEndpoints as dashboardListWebhookEndpoints } from './dashboard/v1/projects/webhook_endpoints/listWebhookEndpoints';
import { postWebhookEndpoints as dashboardPostWebhookEndpoints } from './dashboard/v1/projects/webhook_endpoints/postWebhookEndpoints';
import { deleteWebhookEndpoint as dashboardDeleteWebhookEndpoint } from './dashboard/v1/projects/webhook_endpoints/deleteWebhookEndpoint';
import { postWebhookEndpointRotateSecret as dashboardPostWebhookEndpointRotateSecret } from './dashboard/v1/projects/webhook_endpoints/postWebhookEndpointRotateSecret';
import { listWebhookDeliveries as dashboardListWebhookDeliveries } from './dashboard/v1/projects/webhook_endpoints/deliveries/listWebhookDeliveries';
import { postWebhookDeliveryRetry as dashboardPostWebhookDeliveryRetry } from './dashboard/v1/projects/webhook_endpoints/deliveries/postWebhookDeliveryRetry';

/** The server is this list. */
export function apolloRoutes(ctx: ApolloContext): AnyRoute[] {
  return [
    postOrgs(ctx),
    postProjects(ctx),
    listProjects(ctx),
    getProject(ctx),
    patchProject(ctx),
    deleteProject(ctx),
    postApiKeys(ctx),
    listApiKeys(ctx),
    deleteApiKey(ctx),
    listToolkits(ctx),
    getToolkit(ctx),
    postAuthConfigs(ctx),
    listAuthConfigs(ctx),
    getAuthConfig(ctx),
    deleteAuthConfig(ctx),
    postConnectedAccounts(ctx),
    postConnectedAccountsImport(ctx),
    listConnectedAccounts(ctx),
    getConnectedAccount(ctx),
    deleteConnectedAccount(ctx),
    postConnectedAccountRevoke(ctx),
    getConnectedAccountToken(ctx),
    putConnectedAccountCredentials(ctx),
    getConnectionHealth(ctx),
    postConnectSessions(ctx),
    getConnectSession(ctx),
    postRevokeTokens(ctx, 'org'),
    postRevokeTokens(ctx, 'project'),
    apiPostRevokeJobs(ctx),
    apiListRevokeJobs(ctx),
    apiGetRevokeJob(ctx),
    apiListRevokeJobResults(ctx),
    apiPostRevokeJobRetry(ctx),
    apiPostRevokeJobCancel(ctx),
    dashboardPostRevokeJobs(ctx),
    dashboardListRevokeJobs(ctx),
    dashboardGetRevokeJob(ctx),
    dashboardListRevokeJobResults(ctx),
    dashboardPostRevokeJobRetry(ctx),
    dashboardListConnectedAccounts(ctx),
    dashboardGetConnectionHealth(ctx),
    dashboardPostConnectedAccountRevoke(ctx),
    projectListRevokeJobs(ctx),
    projectGetRevokeJob(ctx),
    projectListRevokeJobResults(ctx),
    projectPostRevokeJobRetry(ctx),
    postSession(ctx),
    getSession(ctx),
    deleteSession(ctx),
    dashboardPostRevokeJobCancel(ctx),
    postWebhookEndpoints(ctx),
    listWebhookEndpoints(ctx),
    getWebhookEndpoint(ctx),
    deleteWebhookEndpoint(ctx),
    postWebhookEndpointRotateSecret(ctx),
    listWebhookDeliveries(ctx),
    postWebhookDeliveryRetry(ctx),
    postPause(ctx),
    postResume(ctx),
    postProjectPause(ctx),
    postProjectResume(ctx),
    getPauseState(ctx),
    apiListAuditEvents(ctx),
    dashboardListAuditEvents(ctx),
    projectPostRevokeJobCancel(ctx),
    getProjectPauseState(ctx),
    dashboardPostConnectSessions(ctx),
    dashboardListWebhookEndpoints(ctx),
    dashboardPostWebhookEndpoints(ctx),
    dashboardDeleteWebhookEndpoint(ctx),
    dashboardPostWebhookEndpointRotateSecret(ctx),
    dashboardListWebhookDeliveries(ctx),
    dashboardPostWebhookDeliveryRetry(ctx),
  ];
}
