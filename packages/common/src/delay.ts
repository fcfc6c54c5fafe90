/**
 * Resolves after `ms`, or at once when the signal aborts (the caller checks which); never
 * rejects. Either way its abort listener is removed, so a loop that polls thousands of times on
 * one long-lived signal holds one listener at a time.
 */
export function delayUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
