import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import type { CursorCodec } from '@at/http';
import type { LifecycleDeps } from '@at/lifecycle';
import type { Vault } from '@at/vault';
import type { AdminCaller, OrgCaller, ProjectCaller, SessionCaller } from './auth/authenticators';
import type { ApolloEnv } from './env';
import type { ThermosClient } from './clients/thermos-client';

/** Everything a route or use case may depend on; built once in app.ts. */
export type ApolloContext = {
  env: ApolloEnv;
  db: PrismaClient;
  logger: Logger;
  vault: Vault;
  temporal: Client;
  thermos: ThermosClient;
  cursors: CursorCodec;
  /** Where browsers reach apollo (APOLLO_PUBLIC_URL, else the listen address), no trailing slash. */
  publicUrl: () => string;
  /** The token lifecycle (vend, refresh on read): shared with thermos's refresh ahead. */
  lifecycle: LifecycleDeps;
  auth: {
    project: (req: Request) => Promise<ProjectCaller>;
    /** An API key, counted against the bulk import's own rate limit (IMPORT_RATE_LIMIT_PER_MINUTE). */
    projectImport: (req: Request) => Promise<ProjectCaller>;
    /** The dashboard surface: an org admin token, or a console session (+ CSRF on state changes). */
    org: (req: Request) => Promise<OrgCaller>;
    /** The console's own session endpoints: a console session only. */
    session: (req: Request) => Promise<SessionCaller>;
    admin: (req: Request) => Promise<AdminCaller>;
  };
};
