export default async function globalTeardown(): Promise<void> {
  const stops = ((globalThis as Record<string, unknown>)['__AT_STOP__'] ?? []) as Array<() => Promise<void>>;
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
