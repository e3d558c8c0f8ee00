import { call } from './call';

/** Gift and stored-value cards. */
export const cardsData = {
  expire: call('cards.expire'),
  issue: call('cards.issue'),
  liability: call('cards.liability'),
  lookup: call('cards.lookup'),
  reissue: call('cards.reissue'),
  setBlocked: call('cards.setBlocked'),
  setSettings: call('cards.setSettings'),
  settings: call('cards.settings'),
  topUp: call('cards.topUp'),
  transfer: call('cards.transfer'),
};
