/** Who a provider call would be made for. */
export type ProviderCallTarget = { orgId: string; projectId: string; authConfigId: string; toolkit: string };

export type GateDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * The one decision whether a provider call may leave for a connection. Every refresh asks it
 * before calling. Operator and per-project pauses (the events issue) slot in here; until then
 * every call may leave.
 */
export type ProviderGate = (target: ProviderCallTarget) => Promise<GateDecision>;

export const openGate: ProviderGate = async () => ({ allowed: true });
