/** A stop whose reason is being picked or which is being split (from the stop panel or the own entries list). */
export interface StopToSplit {
  stopId: string;
  start: number;
  end: number;
  /** The reason the stop has now: the first part keeps it. */
  reasonId: string | null;
}

/** Which stop sheet is open on the operator screen; shared by the stop panel and the own-entries list. */
class StopFlowManager {
  /**
   * The stop waiting for its reason, and whether the reason goes to a split-off part (from
   * `splitAt`); `past` is the span of a stop that is over, `since` the start of one still open (the
   * picker says which stop it is).
   */
  picking = $state<{ stopId: string; splitAt?: number; past?: { start: number; end: number }; since?: number } | null>(null);
  splitting = $state<StopToSplit | null>(null);
  /** Said after Cancel in the reason picker: the stop is still open, without a reason. */
  cancelled = $state<'open' | 'waiting' | null>(null);
}

export const stopFlow = new StopFlowManager();
