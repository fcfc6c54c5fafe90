/** What other packages (the end-to-end tests) may use of apollo; `main.ts` is the process. */
export { startApollo, type Apollo } from './app';
export { parseApolloEnv, type ApolloEnv } from './env';
export { hashSecret } from './auth/secret-tokens';
