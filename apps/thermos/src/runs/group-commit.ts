/**
 * Group commit: calls made while a flush is in flight wait for the next one, so many concurrent
 * callers share one database round trip instead of one each, and each still awaits its own
 * result (the write is durable before its caller moves on). `flush` answers in input order.
 */
export function groupCommit<I, O>(flush: (inputs: I[]) => Promise<O[]>, maxBatch = 1000): (input: I) => Promise<O> {
  type Waiter = { input: I; resolve: (output: O) => void; reject: (error: unknown) => void };
  const queue: Waiter[] = [];
  let flushing = false;

  async function drain(): Promise<void> {
    if (flushing) return;
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        const outputs = await flush(batch.map((w) => w.input));
        batch.forEach((w, i) => w.resolve(outputs[i] as O));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    flushing = false;
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      void drain();
    });
}
