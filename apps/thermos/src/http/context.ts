import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '@at/db';
import type { CursorCodec } from '@at/http';

export type ThermosHttpContext = { db: PrismaClient; temporal: Client; cursors: CursorCodec; auth: (req: Request) => Promise<{ kind: 'service' }> };
