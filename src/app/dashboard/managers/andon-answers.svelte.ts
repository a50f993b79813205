import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { errorText } from '../../managers/error-text.ts';
import { api } from '../../services/api-client.ts';
import { dashboardSession } from './session.svelte.ts';

/**
 * Acknowledging and resolving andon calls from the dashboards (board, TV, a lead's line view). The
 * service decides who may answer: its refusal (another lead was first, a role the rule does not
 * name) is kept per call and shown beside it. The change itself comes back on the line's andon topic.
 */
class AndonAnswers {
  /** The service's refusal of the last answer to a call, by call id. */
  refusals = new SvelteMap<string, string>();
  busy = new SvelteSet<string>();
  /** Bumped after each accepted answer: a list read from the API reloads. */
  answered = $state(0);

  /** May the signed-in user answer a call whose rule names these roles? A hint for showing the button; the service decides. */
  mayAnswer = (roles: readonly string[]): boolean => dashboardSession.role !== null && roles.includes(dashboardSession.role);

  async answer(callId: string, kind: 'ack' | 'resolve', note = ''): Promise<boolean> {
    const token = dashboardSession.current?.token ?? '';
    this.busy.add(callId);
    this.refusals.delete(callId);
    try {
      await (kind === 'ack' ? api.ackCall(token, callId) : api.resolveCall(token, callId, note));
      this.answered++;
      return true;
    } catch (error) {
      this.refusals.set(callId, errorText(error));
      return false;
    } finally {
      this.busy.delete(callId);
    }
  }
}

export const andonAnswers = new AndonAnswers();
