import { AsyncLocalStorage } from 'node:async_hooks';
import type { RateLimiter, SlotTicket } from '@at/providers';

/**
 * Whether a connection's revocation has sent anything yet. The revoker asks the rate limiter
 * for a slot before every request; a call still waiting for its first slot has sent nothing,
 * so a page that is asked to stop can abandon it (and give the connection back) instead of
 * waiting, behind a slow provider's ceiling, for a request it no longer needs to make.
 */
export type SendState = { slotsAsked: number; waiting: boolean };

const current = new AsyncLocalStorage<SendState>();

/** Runs one connection's revocation with its send state visible to the tracking limiter. */
export const trackSends = <T>(state: SendState, fn: () => Promise<T>): Promise<T> => current.run(state, fn);

/** True while the connection's call waits for its first slot: nothing has been sent. */
export const nothingSent = (state: SendState): boolean => state.waiting && state.slotsAsked === 1;

/** The rate limiter the revoker is given: the same slots, with the send state kept up to date. */
export function trackingRateLimiter(inner: RateLimiter): RateLimiter {
  return {
    async acquire(providerKey, ceilingPerSecond, signal, share) {
      const state = current.getStore();
      if (state) {
        state.slotsAsked += 1;
        state.waiting = true;
      }
      let ticket: SlotTicket | void;
      try {
        ticket = await inner.acquire(providerKey, ceilingPerSecond, signal, share);
      } finally {
        if (state) state.waiting = false;
      }
      // abandoned while waiting, even if the slot came at the same moment: send nothing
      signal?.throwIfAborted();
      return ticket;
    },
  };
}
