import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import type { CursorCodec } from '@at/http';

export type ThermosHttpContext = { db: PrismaClient; temporal: Client; cursors: CursorCodec; logger: Logger; auth: (req: Request) => Promise<{ kind: 'service' }> };
