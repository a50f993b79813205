import { randomBytes } from 'node:crypto';
import { principalOf } from '../../core/access.ts';
import { FloorboardError, type User } from '../../core/index.ts';
import type { LoginRequest, LoginResponse } from '../auth/login.ts';
import type { DynsecSessions } from './dynsec-sessions.ts';

type Login = (request: LoginRequest, source?: string) => Promise<LoginResponse>;

/**
 * With an external broker, a login also creates the session's broker client, and the response's
 * `mqtt` credentials are that client's: user `<userId>@<deviceId>` and a random password (the
 * bearer token never reaches the broker). The tablet uses `mqtt.*` as given, so it needs no change.
 * Without dynamic security (`sessions` null) the login is returned unchanged.
 */
export function withBrokerSessions(login: Login, sessions: DynsecSessions | null, findUser: (id: string) => User | undefined): Login {
  if (!sessions) return login;
  return async (request, source) => {
    const response = await login(request, source);
    const user = findUser(response.user.id);
    if (!user) throw new FloorboardError('unauthorized', 'user no longer in the plant');
    const password = randomBytes(24).toString('base64url');
    const username = await sessions.open({ principal: principalOf(user), deviceId: response.mqtt.clientId, password, expiresAt: response.expiresAt });
    return { ...response, mqtt: { ...response.mqtt, username, password } };
  };
}
