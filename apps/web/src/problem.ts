import { currentSession } from './api';
import { errorBox, h } from './dom';

/** What the person was trying to use, for sentences like "Web search isn't set up on this server." */
export type Capability = 'search' | 'video' | 'images' | 'chat' | 'voice';

const NAMES: Record<Capability, string> = {
  search: 'Web search',
  video: 'Video search',
  images: 'Image generation',
  chat: 'Chat',
  voice: 'Voice',
};

/** Codes that mean "an operator has to configure something": retrying will not help. */
const CONFIG_CODES = new Set(['PROVIDER_NOT_CONFIGURED', 'ENGINE_MISSING']);
/** Operators' hints in service messages look like "set SEARXNG_URL …". */
const SET_VARIABLE = /\bset [A-Z][A-Z0-9_]{2,}\b/;

export interface Problem {
  /** A sentence for the person. */
  message: string;
  /** The server's own words (variables to set and so on), shown to admins only. */
  detail?: string;
  /** A configuration error: Retry is not offered. */
  config: boolean;
}

export function describeProblem(err: { message: string; code?: string }, what: Capability): Problem {
  const config = (err.code !== undefined && CONFIG_CODES.has(err.code)) || SET_VARIABLE.test(err.message);
  if (!config) return { message: err.message, config: false };
  return { message: `${NAMES[what]} isn't set up on this server. Ask your administrator.`, detail: err.message, config: true };
}

/**
 * An error box that speaks to a person: configuration errors say who can fix them (no Retry); an
 * admin also sees the server's detail (which variable to set), folded away.
 */
export function problemBox(err: { message: string; code?: string }, what: Capability, retry?: () => void): HTMLElement {
  const p = describeProblem(err, what);
  const box = errorBox(p.message, p.config ? undefined : retry);
  if (p.detail && currentSession()?.role === 'admin')
    box.append(h('details', { class: 'problem-detail' }, h('summary', {}, 'Details for administrators'), h('code', {}, p.detail)));
  return box;
}
