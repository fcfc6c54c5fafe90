export { type ProviderClient } from './client-auth';
export { ProviderControlClient, ProviderControlError } from './control-client';
export { FaultError, parseFaults, type ProviderFaults } from './faults';
export { HOSTILE_SHAPES, type HostileShape } from './hostile';
export { UnknownClientError } from './provider-model';
export { ProviderServerSpawnError, spawnProviderServer, type SpawnedProviderServer, type SpawnProviderServerOptions } from './process';
export { createProviderServer, type ProviderServer, type ProviderServerConfig } from './server';
export { type ClientStats, type ProviderStats, type RevokeOutcome } from './stats';
export { MAX_MINT_PER_CALL, type TokenCheck, type TokenPair } from './state';
