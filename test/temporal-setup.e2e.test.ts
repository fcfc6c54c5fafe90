import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { readSearchAttributeFile, SEARCH_ATTRIBUTES } from '@at/common';
import { freePort, spawnService, startTemporalServer, waitFor, type TemporalServerHandle } from '@at/devstack';
import { cloudService, registerWithCloudOperations, registerWithOperatorService, SearchAttributeConflictError } from '../temporal/search-attributes';

const wanted = readSearchAttributeFile();
const names = Object.keys(wanted);

async function runSetup(address: string): Promise<{ code: number | null; lines: string[] }> {
  const setup = spawnService('temporal-setup', 'temporal/setup.ts', { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_API_KEY: '', TEMPORAL_TLS: 'false' });
  const code = await setup.exited;
  return { code, lines: setup.lines };
}

describe('pnpm temporal:setup on a cluster started without our search attributes', () => {
  let server: TemporalServerHandle;
  let connection: Connection;
  let client: Client;
  const jobId = `job_${randomBytes(8).toString('hex')}`;
  const start = (workflowId: string) =>
    client.workflow.start('setupProbeWorkflow', {
      taskQueue: `setup-probe-${randomBytes(4).toString('hex')}`,
      workflowId,
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.orgId, value: 'org_setup' },
        { key: SEARCH_ATTRIBUTES.projectId, value: 'none' },
        { key: SEARCH_ATTRIBUTES.scopeKind, value: 'org' },
        { key: SEARCH_ATTRIBUTES.trigger, value: 'admin' },
        { key: SEARCH_ATTRIBUTES.jobId, value: jobId },
      ],
    });

  beforeAll(async () => {
    server = await startTemporalServer({ port: await freePort(), searchAttributes: false });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  test('before the set-up, a start with the typed search attributes is refused', async () => {
    const refused = await start(`setup-before-${jobId}`).then(() => 'started', (error: unknown) => String((error as { cause?: unknown }).cause));
    expect(refused).toMatch(/search attribute/i);
  });

  test('the set-up adds every attribute of temporal/search-attributes.json and says so', async () => {
    const { code, lines } = await runSetup(server.address);
    expect(code).toBe(0);
    for (const name of names) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\s+added\\s+${name} \\(${wanted[name]}\\)$`)));
  });

  test('run again, it adds nothing and reports each attribute as present', async () => {
    const { code, lines } = await runSetup(server.address);
    expect(code).toBe(0);
    expect(lines.filter((line) => /\badded\b/.test(line))).toEqual([]);
    for (const name of names) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`already present\\s+${name} \\(${wanted[name]}\\)$`)));
  });

  test('then a workflow starts with the typed search attributes and a visibility query finds it', async () => {
    const handle = await start(`setup-after-${jobId}`);
    try {
      const found = await waitFor('the visibility query', async () => {
        const ids: string[] = [];
        for await (const execution of client.workflow.list({ query: `AtJobId = '${jobId}' AND AtScopeKind = 'org'` })) ids.push(execution.workflowId);
        if (ids.length === 0) throw new Error('not visible yet');
        return ids;
      });
      expect(found).toEqual([handle.workflowId]);
    } finally {
      await handle.terminate('probe done');
    }
  });

  test('an attribute registered with another type stops the set-up with a message naming it', async () => {
    await expect(registerWithOperatorService(connection, 'default', { AtJobId: 'Text' })).rejects.toThrow(SearchAttributeConflictError);
    await expect(registerWithOperatorService(connection, 'default', { AtJobId: 'Text' })).rejects.toThrow(/AtJobId is Keyword, we need Text/);
  });
});

/**
 * The Cloud path against a local gRPC server that speaks the Cloud Operations API's protobuf
 * messages (GetNamespace, UpdateNamespace with resource versions, GetAsyncOperation): checks what
 * we send and how we merge, not Temporal Cloud itself.
 */
describe('the set-up on Temporal Cloud (Cloud Operations API on a local gRPC server)', () => {
  const cloudv1 = temporal.api.cloud.cloudservice.v1;
  const { SearchAttributeType } = temporal.api.cloud.namespace.v1.NamespaceSpec;
  const { State } = temporal.api.cloud.operation.v1.AsyncOperation;
  const NAMESPACE = 'prod.a1b2c';
  let server: grpc.Server;
  let address: string;
  const state = {
    resourceVersion: 'rv-1',
    spec: { name: 'prod', retentionDays: 30, searchAttributes: { CustomerId: SearchAttributeType.SEARCH_ATTRIBUTE_TYPE_KEYWORD, AtOrgId: SearchAttributeType.SEARCH_ATTRIBUTE_TYPE_KEYWORD } as Record<string, number> },
    updates: [] as Array<{ resourceVersion: string; searchAttributes: Record<string, number>; retentionDays: number }>,
    headers: [] as Array<{ authorization: string; version: string }>,
  };

  type Codec<T> = { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T };
  const unary = <Req, Res>(name: string, req: Codec<Req>, res: Codec<Res>, handle: (request: Req) => Res): [string, grpc.MethodDefinition<Req, Res>, grpc.handleUnaryCall<Req, Res>] => [
    name,
    {
      path: `/temporal.api.cloud.cloudservice.v1.CloudService/${name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (message: Req) => Buffer.from(req.encode(message).finish()),
      requestDeserialize: (bytes: Buffer) => req.decode(bytes),
      responseSerialize: (message: Res) => Buffer.from(res.encode(message).finish()),
      responseDeserialize: (bytes: Buffer) => res.decode(bytes),
    },
    (call, callback) => {
      state.headers.push({ authorization: String(call.metadata.get('authorization')[0]), version: String(call.metadata.get('temporal-cloud-api-version')[0]) });
      try {
        callback(null, handle(call.request));
      } catch (error) {
        callback({ code: grpc.status.FAILED_PRECONDITION, details: (error as Error).message });
      }
    },
  ];

  beforeAll(async () => {
    const methods = [
      unary('GetNamespace', cloudv1.GetNamespaceRequest, cloudv1.GetNamespaceResponse, (request) => {
        if (request.namespace !== NAMESPACE) throw new Error('no such namespace');
        return cloudv1.GetNamespaceResponse.create({ namespace: { namespace: NAMESPACE, resourceVersion: state.resourceVersion, spec: state.spec } });
      }),
      unary('UpdateNamespace', cloudv1.UpdateNamespaceRequest, cloudv1.UpdateNamespaceResponse, (request) => {
        if (request.resourceVersion !== state.resourceVersion) throw new Error('resource version mismatch');
        const searchAttributes = { ...(request.spec?.searchAttributes ?? {}) } as Record<string, number>;
        state.updates.push({ resourceVersion: request.resourceVersion, searchAttributes, retentionDays: request.spec?.retentionDays ?? 0 });
        state.spec = { ...state.spec, searchAttributes };
        state.resourceVersion = `rv-${state.updates.length + 1}`;
        return cloudv1.UpdateNamespaceResponse.create({ asyncOperation: { id: `op-${state.updates.length}`, state: State.STATE_IN_PROGRESS } });
      }),
      unary('GetAsyncOperation', cloudv1.GetAsyncOperationRequest, cloudv1.GetAsyncOperationResponse, (request) =>
        cloudv1.GetAsyncOperationResponse.create({ asyncOperation: { id: request.asyncOperationId ?? '', state: State.STATE_FULFILLED } }),
      ),
    ];
    server = new grpc.Server();
    server.addService(
      Object.fromEntries(methods.map(([name, definition]) => [name, definition])) as grpc.ServiceDefinition,
      Object.fromEntries(methods.map(([name, , handler]) => [name, handler])) as grpc.UntypedServiceImplementation,
    );
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
    address = `127.0.0.1:${port}`;
  });
  afterAll(() => server?.forceShutdown());

  test('adds the missing attributes in one namespace update, keeping the rest of the spec, and waits for it', async () => {
    const cloud = cloudService({ address, apiKey: 'cloud-key', apiVersion: 'v0.3.0', insecure: true });
    try {
      const first = await registerWithCloudOperations(cloud.service, NAMESPACE, wanted);
      expect(first).toEqual({ added: names.filter((name) => name !== 'AtOrgId'), present: ['AtOrgId'] });
      expect(state.updates).toHaveLength(1);
      const keyword = SearchAttributeType.SEARCH_ATTRIBUTE_TYPE_KEYWORD;
      expect(state.updates[0]).toEqual({ resourceVersion: 'rv-1', retentionDays: 30, searchAttributes: { CustomerId: keyword, ...Object.fromEntries(names.map((name) => [name, keyword])) } });

      const again = await registerWithCloudOperations(cloud.service, NAMESPACE, wanted);
      expect(again).toEqual({ added: [], present: names });
      expect(state.updates).toHaveLength(1);
      expect(new Set(state.headers.map((h) => `${h.authorization} ${h.version}`))).toEqual(new Set(['Bearer cloud-key v0.3.0']));

      await expect(registerWithCloudOperations(cloud.service, NAMESPACE, { CustomerId: 'Int' })).rejects.toThrow(/CustomerId is Keyword, we need Int/);
    } finally {
      cloud.close();
    }
  });
});
