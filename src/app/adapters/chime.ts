/** A short two-tone chime made with the Web Audio API (no sound file to ship or cache). */
export interface Chime {
  play(): void;
  close(): void;
}

/** Made on a user's gesture (the TV's sound toggle): browsers let an audio context play only then. */
export function createChime(): Chime {
  const ctx = new AudioContext();
  return {
    play() {
      void ctx.resume();
      const start = ctx.currentTime;
      [880, 660].forEach((hz, i) => {
        const at = start + i * 0.25;
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'sine';
        osc.frequency.value = hz;
        // Ramped in and out: a hard start or stop clicks.
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.22);
        osc.connect(gain).connect(ctx.destination);
        osc.start(at);
        osc.stop(at + 0.25);
      });
    },
    close() {
      void ctx.close();
    },
  };
}
