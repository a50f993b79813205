import { createChime, type Chime } from '../../adapters/chime.ts';

const KEY = 'floorboard.tv.sound';

/**
 * The TV's optional chime on a new andon call: off until someone turns it on on that TV, then kept
 * for that browser (a wall TV restarts with it). `played` counts chimes, so a test sees one rang.
 */
class TvSound {
  isOn = $state(readOn());
  played = $state(0);
  #chime: Chime | null = null;

  toggle = (): void => {
    this.isOn = !this.isOn;
    try {
      localStorage.setItem(KEY, this.isOn ? 'on' : 'off');
    } catch {
      // Private mode: the choice lasts this visit only.
    }
    // The click is the gesture that lets the audio context play later.
    if (this.isOn) this.#chime ??= this.#make();
    else {
      this.#chime?.close();
      this.#chime = null;
    }
  };

  /** A call was raised: chime once, if on. */
  ring(): void {
    if (!this.isOn) return;
    this.#chime ??= this.#make();
    if (!this.#chime) return;
    try {
      this.#chime.play();
      this.played++;
    } catch (error) {
      console.error('andon chime failed', error);
    }
  }

  /** A browser without audio (or one that refuses it) leaves the TV silent, never broken. */
  #make(): Chime | null {
    try {
      return createChime();
    } catch (error) {
      console.error('no audio for the andon chime', error);
      return null;
    }
  }
}

function readOn(): boolean {
  try {
    return localStorage.getItem(KEY) === 'on';
  } catch {
    return false;
  }
}

export const tvSound = new TvSound();
