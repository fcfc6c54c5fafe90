/**
 * Registers the search attributes of temporal/search-attributes.json on a cluster, idempotently:
 * attributes already there with the right type are fine, one there with another type stops the
 * set-up (Temporal cannot change a type in place). Self-hosted clusters take the operator API;
 * Temporal Cloud refuses it and takes the Cloud Operations API's namespace update instead.
 */
import * as grpc from '@grpc/grpc-js';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { searchAttributeEnumSuffix, SEARCH_ATTRIBUTE_TYPE_NAMES, type SearchAttributeTypeName } from '@at/common';

export type WantedAttributes = Record<string, SearchAttributeTypeName>;

/** What the set-up found and did. */
export type Registration = { added: string[]; present: string[] };

export class SearchAttributeConflictError extends Error {
  override readonly name = 'SearchAttributeConflictError';
}

const { IndexedValueType } = temporal.api.enums.v1;
const CloudType = temporal.api.cloud.namespace.v1.NamespaceSpec.SearchAttributeType;
const OperationState = temporal.api.cloud.operation.v1.AsyncOperation.State;
type CloudService = temporal.api.cloud.cloudservice.v1.CloudService;

/** gRPC ALREADY_EXISTS: a concurrent set-up registered the attribute first. */
const ALREADY_EXISTS = 6;

/** Splits `wanted` into what is missing and what is present; throws on a type that differs. */
function plan(wanted: WantedAttributes, existing: Record<string, SearchAttributeTypeName | undefined>, where: string): Registration {
  const conflicts = Object.entries(wanted).filter(([name, type]) => name in existing && existing[name] !== type);
  if (conflicts.length > 0) {
    const list = conflicts.map(([name, type]) => `${name} is ${existing[name] ?? 'of an unknown type'}, we need ${type}`).join('; ');
    throw new SearchAttributeConflictError(`${where}: ${list}. Remove or rename it on the cluster, then run the set-up again.`);
  }
  const names = Object.keys(wanted);
  return { added: names.filter((name) => !(name in existing)), present: names.filter((name) => name in existing) };
}

/** Our type names, keyed by a protobuf enum's values (`INDEXED_VALUE_TYPE_KEYWORD` → `Keyword`). */
function typeNames(values: Record<string, string | number>, prefix: string): Map<number, SearchAttributeTypeName> {
  return new Map(SEARCH_ATTRIBUTE_TYPE_NAMES.map((name) => [values[`${prefix}${searchAttributeEnumSuffix(name)}`] as number, name]));
}

function byType(attributes: Record<string, number>, names: Map<number, SearchAttributeTypeName>): Record<string, SearchAttributeTypeName | undefined> {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, names.get(value)]));
}

function enumValues(wanted: WantedAttributes, names: readonly string[], values: Record<string, string | number>, prefix: string): Record<string, number> {
  return Object.fromEntries(names.map((name) => [name, values[`${prefix}${searchAttributeEnumSuffix(wanted[name] as SearchAttributeTypeName)}`] as number]));
}

/** Self-hosted (and the dev server): OperatorService ListSearchAttributes / AddSearchAttributes. */
export async function registerWithOperatorService(connection: Connection, namespace: string, wanted: WantedAttributes): Promise<Registration> {
  const indexed = typeNames(IndexedValueType, 'INDEXED_VALUE_TYPE_');
  const existing = async () => {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    return byType({ ...listed.systemAttributes, ...listed.customAttributes } as Record<string, number>, indexed);
  };
  const where = `namespace ${namespace}`;
  const result = plan(wanted, await existing(), where);
  if (result.added.length === 0) return result;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: enumValues(wanted, result.added, IndexedValueType, 'INDEXED_VALUE_TYPE_') });
  } catch (error) {
    if ((error as { code?: unknown }).code !== ALREADY_EXISTS) throw error;
  }
  const after = plan(wanted, await existing(), where);
  if (after.added.length > 0) throw new Error(`${where}: ${after.added.join(', ')} still missing after AddSearchAttributes`);
  return result;
}

export type CloudOptions = {
  /** Cloud Operations API endpoint, `saas-api.tmprl.cloud:443`. */
  address: string;
  apiKey: string;
  /** The `temporal-cloud-api-version` header; typed search attributes need v0.3.0 or later. */
  apiVersion: string;
  /** Plain text, for a local Cloud Operations server in tests only. */
  insecure?: boolean;
  /** How long to wait for the namespace update to finish. */
  timeoutMs?: number;
};

/** A CloudService client over gRPC, with the API key and API version on every call. */
export function cloudService(options: CloudOptions): { service: CloudService; close: () => void } {
  const client = new grpc.Client(options.address, options.insecure ? grpc.credentials.createInsecure() : grpc.credentials.createSsl());
  const service = temporal.api.cloud.cloudservice.v1.CloudService.create((method, data, callback) => {
    const headers = new grpc.Metadata();
    headers.set('authorization', `Bearer ${options.apiKey}`);
    headers.set('temporal-cloud-api-version', options.apiVersion);
    client.makeUnaryRequest(
      `/temporal.api.cloud.cloudservice.v1.CloudService/${method.name}`,
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => bytes,
      data,
      headers,
      { deadline: Date.now() + 30_000 },
      (error, response) => callback(error, response),
    );
  });
  return { service, close: () => client.close() };
}

/** Temporal Cloud: GetNamespace, then UpdateNamespace with the missing attributes, then wait for it. */
export async function registerWithCloudOperations(cloud: CloudService, namespace: string, wanted: WantedAttributes, timeoutMs = 300_000): Promise<Registration> {
  const cloudTypes = typeNames(CloudType, 'SEARCH_ATTRIBUTE_TYPE_');
  const { namespace: current } = await cloud.getNamespace({ namespace });
  if (!current?.spec) throw new Error(`Temporal Cloud answered no namespace ${namespace}`);
  const existing = (current.spec.searchAttributes ?? {}) as Record<string, number>;
  const result = plan(wanted, byType(existing, cloudTypes), `Temporal Cloud namespace ${namespace}`);
  if (result.added.length === 0) return result;
  const spec = { ...current.spec, searchAttributes: { ...existing, ...enumValues(wanted, result.added, CloudType, 'SEARCH_ATTRIBUTE_TYPE_') } };
  const { asyncOperation } = await cloud.updateNamespace({ namespace, spec, resourceVersion: current.resourceVersion ?? '' });
  if (!asyncOperation?.id) throw new Error('Temporal Cloud accepted the namespace update without an operation id');
  const operationId = asyncOperation.id;
  const deadline = Date.now() + timeoutMs;
  for (let operation = asyncOperation; ; ) {
    const stateOf = operation.state ?? OperationState.STATE_UNSPECIFIED;
    if (stateOf === OperationState.STATE_FULFILLED) return result;
    if ([OperationState.STATE_FAILED, OperationState.STATE_CANCELLED, OperationState.STATE_REJECTED].includes(stateOf)) {
      throw new Error(`Temporal Cloud namespace update ${operationId} ended ${OperationState[stateOf]}: ${operation.failureReason || 'no reason given'}`);
    }
    if (Date.now() > deadline) throw new Error(`Temporal Cloud namespace update ${operationId} not finished after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const polled = await cloud.getAsyncOperation({ asyncOperationId: operationId });
    if (!polled.asyncOperation) throw new Error(`Temporal Cloud lost namespace update ${operationId}`);
    operation = polled.asyncOperation;
  }
}

/** Temporal Cloud's namespace endpoints: `<ns>.<account>.tmprl.cloud` (mTLS) and `<region>.<cloud>.api.temporal.io` (API keys). */
export const isTemporalCloud = (address: string): boolean => /\.(tmprl\.cloud|api\.temporal\.io)(:\d+)?$/.test(address);
