/** A clock that ticks once a second for "time in state" and the shift's progress; `listen()` returns its cleanup. */
class NowManager {
  ms = $state(Date.now());

  listen(periodMs = 1000): () => void {
    const timer = setInterval(() => (this.ms = Date.now()), periodMs);
    return () => clearInterval(timer);
  }
}

export const now = new NowManager();
