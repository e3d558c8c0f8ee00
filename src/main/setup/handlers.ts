import type { appContract } from '../../shared/api/app';
import type { HandlersFor } from '../router';
import { appStatus, runSetup } from './setup';

export const setupHandlers: HandlersFor<typeof appContract> = {
  'app.status': (_i, { deps }) => appStatus(deps),
  'setup.run': (input, { deps }) => runSetup(deps, input),
};
