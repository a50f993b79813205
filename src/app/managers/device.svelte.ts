import type { Plant } from '../../core/plant.schema.ts';
import type { StationPath } from '../../core/topics.ts';
import * as z from 'zod/mini';
import { FloorboardError, hasErrorCode } from '../../core/errors.ts';
import {
  CacheIdb, credentialsSchema, enrolmentSchema, localeSchema, parsePlant, sessionSchema,
  type Credentials, type Enrolment, type Locale, type RosterEntry, type Session,
} from '../adapters/cache-idb.ts';
import type { LoginResult } from '../services/api-client.ts';
import type { StartReads } from '../adapters/db-early.ts';
import type { PinAttempts } from '../domain/pin-attempts.ts';
import { stationRefused } from '../domain/station-refusal.ts';

// Network code is loaded on first use: a signed-in operator's first screen does not need it.
const apiModule = () => import('../services/api-client.ts');
import { i18n } from './i18n.svelte.ts';

/** What step 1 of enrolment hands to step 2. */
export interface EnrolmentStep {
  token: string;
  plant: Plant;
  raw: unknown;
  userId: string;
  deviceId: string;
}

/**
 * The tablet: its enrolment, the cached plant and roster, and who is signed in.
 * Sign-in is online when the service answers; when the network is down it checks the PIN against
 * the cached, salted roster and keeps the PIN in memory only, to re-verify online (and get a sync
 * token) as soon as the service is reachable. Every entry records the signed-in user as author.
 */
class DeviceManager {
  enrolment = $state<Enrolment | null>(null);
  plant = $state<Plant | null>(null);
  session = $state<Session | null>(null);
  #cache: CacheIdb | null = null;
  #roster: RosterEntry[] = [];
  #pending: { badge: string; pin: string } | null = null;
  #credentials: Credentials | null = null;
  /** The plant configuration version the cached plant and roster are of (0: not known). */
  #heldVersion: number | undefined;

  /** Station path for topics, derived from enrolment and plant. */
  path = $derived.by((): StationPath | null => {
    const e = this.enrolment;
    return e ? { site: e.site, area: e.area, line: e.line, station: e.station } : null;
  });
  line = $derived(this.plant?.areas.flatMap((a) => a.lines).find((l) => l.id === this.enrolment?.line) ?? null);
  /** An admin revoked this tablet: nobody signs in until a lead or an admin enrols it again. */
  isRevoked = $derived(this.enrolment?.revokedAt !== undefined);
  /** The enrolled station's name (its id if the plant does not name it). */
  stationName = $derived(this.line?.stations.find((s) => s.id === this.enrolment?.station)?.name ?? this.enrolment?.station ?? '');

  /** Takes what the start-up read found (each value zod-parsed here) and keeps `cache` for writes. */
  async load(cache: CacheIdb, read: StartReads): Promise<void> {
    this.#cache = cache;
    this.enrolment = CacheIdb.parse(read.meta.enrolment, enrolmentSchema);
    this.session = CacheIdb.parse(read.meta.session, sessionSchema);
    this.#credentials = CacheIdb.parse(read.meta.credentials, credentialsSchema);
    this.plant = CacheIdb.plant(read.cache.plant);
    this.#roster = CacheIdb.roster(read.cache.roster);
    // The tablet's language (kept on the tablet, not with the operator who chose it): the sign-in
    // screen after a sign-out or a reload speaks it too. A session from before it was kept brings its own.
    const locale = CacheIdb.parse(read.meta.locale, localeSchema) ?? this.session?.locale ?? 'en';
    if (locale !== 'en') await i18n.set(locale);
  }

  /** Step 1 of enrolment: a lead or admin signs in; returns the stations the plant has. */
  async startEnrolment(userId: string, password: string): Promise<EnrolmentStep> {
    // The device id is made here, once: the lead's login and every later operator login use it.
    // Enrolment is once per tablet: the id maker loads with it, not with the operator's first screen.
    const deviceId = this.enrolment?.deviceId ?? `tab-${(await import('ulid')).ulid().toLowerCase()}`;
    const { api } = await apiModule();
    const login = await api.login({ kind: 'password', userId, password, deviceId });
    const raw = await api.plantRaw(login.token);
    return { token: login.token, plant: parsePlant(raw), raw, userId: login.user.id, deviceId };
  }

  /** Step 2: enrol to one station; caches plant and that station's roster for offline sign-in. */
  async enrol(step: EnrolmentStep, stationId: string, now: number): Promise<void> {
    const area = step.plant.areas.find((a) => a.lines.some((l) => l.stations.some((s) => s.id === stationId)));
    const line = area?.lines.find((l) => l.stations.some((s) => s.id === stationId));
    if (!area || !line) throw new FloorboardError('not-found', `station "${stationId}" is not in the plant`);
    const { api } = await apiModule();
    const roster = await api.roster(step.token, [stationId]);
    const enrolment: Enrolment = {
      deviceId: step.deviceId, site: step.plant.site.id, area: area.id, line: line.id, station: stationId, enrolledBy: step.userId, enrolledAt: now,
    };
    await this.#cache!.savePlantAndRoster(step.raw, roster);
    await this.#cache!.put('enrolment', enrolment);
    [this.plant, this.#roster, this.enrolment] = [step.plant, roster, enrolment];
  }

  /** Operator sign-in with badge and PIN: online first, the cached roster when the network is down. */
  async signIn(badge: string, pin: string, now: number): Promise<Session> {
    const { deviceId, station: stationId } = this.enrolment!;
    let session: Session;
    const { api, isNetworkError } = await apiModule();
    try {
      const login = await api.login({ kind: 'badge', badge, pin, deviceId, stationId }).catch(async (error: unknown) => {
        if (hasErrorCode(error, 'device-revoked')) await this.markRevoked(now);
        throw hasErrorCode(error, 'forbidden') ? stationRefused(this.stationName, false) : error;
      });
      await this.#adopt(login);
      session = { user: { id: login.user.id, name: login.user.name }, signedInAt: now, isOffline: false, locale: i18n.locale };
      void this.#refresh(login.token);
    } catch (error) {
      if (!isNetworkError(error)) throw error;
      const entry = this.#roster.find((r) => r.badge === badge);
      const [{ checkPinOffline }, { pinAttemptsSchema }] = await Promise.all([import('../services/offline-pin.ts'), import('../domain/pin-attempts.ts')]);
      const cache = this.#cache!;
      const attempts = {
        load: () => cache.get('pin-attempts', pinAttemptsSchema),
        save: (a: PinAttempts | null) => (a ? cache.put('pin-attempts', a) : cache.delete('pin-attempts')),
      };
      // The roster holds only this station's operators: anyone else is refused here, as online.
      if (!(await checkPinOffline(attempts, pin, entry?.pinHash, now)) || !entry) throw stationRefused(this.stationName, true);
      this.#pending = { badge, pin };
      session = { user: { id: entry.id, name: entry.name }, signedInAt: now, isOffline: true, locale: i18n.locale };
    }
    await this.#cache!.put('session', session);
    this.session = session;
    return session;
  }

  async signOut(): Promise<void> {
    this.#pending = null;
    await this.#cache!.delete('session');
    this.session = null;
  }

  /** Switches the tablet's language and keeps it on the tablet, across sign-out and reload. */
  async setLocale(locale: Locale): Promise<void> {
    await i18n.set(locale);
    await this.#cache?.put('locale', locale);
    if (this.session) {
      this.session = { ...this.session, locale };
      await this.#cache!.put('session', $state.snapshot(this.session));
    }
  }

  /**
   * The service said this tablet was revoked: its session and tokens are dropped (they are refused
   * anyway). The outbox is not touched: its entries wait, and go out after the tablet is enrolled
   * again, under the names of the operators who made them (the next operator's session carries them).
   */
  async markRevoked(now: number): Promise<void> {
    if (!this.enrolment || this.isRevoked) return;
    this.enrolment = { ...$state.snapshot(this.enrolment), revokedAt: now };
    [this.#pending, this.#credentials, this.session] = [null, null, null];
    await this.#cache!.put('enrolment', $state.snapshot(this.enrolment));
    await Promise.all([this.#cache!.delete('session'), this.#cache!.delete('credentials')]);
  }

  /**
   * The broker refused this tablet's token: asks the service why (an expired token says nothing
   * new; a revoked device is marked so). Nothing happens when the service does not answer.
   */
  async checkRevoked(now: number): Promise<void> {
    const c = this.#credentials;
    if (!c || this.isRevoked) return;
    const { api } = await apiModule();
    try {
      await api.plantRaw(c.bearer ?? c.token);
    } catch (error) {
      if (hasErrorCode(error, 'device-revoked')) await this.markRevoked(now);
    }
  }

  /** MQTT credentials: the newest unexpired token on this device, or re-verify an offline sign-in now. */
  async credentials(now: number): Promise<{ username: string; password: string } | null> {
    if (this.isRevoked) return null;
    // An offline sign-in is re-verified online as soon as the service answers (and brings a fresh token).
    if (this.#pending) {
      const { api, isNetworkError } = await apiModule();
      try {
        await this.#adopt(await api.login({ kind: 'badge', ...this.#pending, deviceId: this.enrolment!.deviceId, stationId: this.enrolment!.station }));
        this.#pending = null;
        if (this.session) {
          this.session = { ...this.session, isOffline: false };
          await this.#cache!.put('session', $state.snapshot(this.session));
        }
      } catch (error) {
        // Still offline: try again on the next connect. Refused (PIN changed, locked out): stop
        // retrying, or every reconnect would count as a failed login for this badge.
        if (!isNetworkError(error)) this.#pending = null;
        if (hasErrorCode(error, 'device-revoked')) await this.markRevoked(now);
      }
    }
    const c = this.#credentials;
    return c && c.expiresAt - 60_000 > now ? { username: c.userId, password: c.token } : null;
  }

  /** A colleague's name from this station's roster (their id when unknown). */
  nameOf(userId: string): string {
    return userId === this.session?.user.id ? this.session.user.name : (this.#roster.find((r) => r.id === userId)?.name ?? userId);
  }

  /** The HTTP bearer token of the signed-in operator while it is valid, else null. */
  bearer(now: number): string | null {
    const c = this.#credentials;
    return this.session && !this.session.isOffline && c && c.expiresAt - 60_000 > now ? (c.bearer ?? c.token) : null;
  }

  async #adopt(login: LoginResult): Promise<void> {
    this.#credentials = { userId: login.mqtt.username, token: login.mqtt.password, expiresAt: login.expiresAt, bearer: login.token };
    await this.#cache!.put('credentials', this.#credentials);
  }

  /**
   * The service runs plant configuration `version` (told on the line status): a newer one than the
   * tablet holds is fetched (plant and roster: a new operator can sign in offline, a disabled one
   * no longer). Without a valid token it waits for the next sign-in, which fetches them too.
   */
  async onConfigVersion(version: number, now: number): Promise<void> {
    this.#heldVersion ??= (await this.#cache?.get('config-version', z.number())) ?? 0;
    if (this.#heldVersion >= version) return;
    const token = this.bearer(now);
    if (token && (await this.#refresh(token))) {
      this.#heldVersion = Math.max(this.#heldVersion, version);
      await this.#cache!.put('config-version', this.#heldVersion);
    }
  }

  /** Fetches plant and roster; true when both came and are kept. */
  async #refresh(token: string): Promise<boolean> {
    try {
      const { api } = await apiModule();
      const raw = await api.plantRaw(token);
      const roster = await api.roster(token, [this.enrolment!.station]);
      this.plant = parsePlant(raw);
      this.#roster = roster;
      await this.#cache!.savePlantAndRoster(raw, roster);
      return true;
    } catch {
      // keep the cached copy
      return false;
    }
  }
}

export const device = new DeviceManager();
