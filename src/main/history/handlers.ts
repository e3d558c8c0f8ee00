import type { historyContract } from '../../shared/api/history';
import type { HandlersFor } from '../router';
import { staffOf } from '../router';
import { inTransaction } from '../db/open';
import { withoutCommitCheckpoint } from '../db/checkpointer';
import { commitHistory, previewHistory } from './import';

export const historyHandlers: HandlersFor<typeof historyContract> = {
  'history.preview': (input, { deps }) => previewHistory(deps, input.importId),
  // One transaction for the whole file, committed without the safety-net checkpoint (a bulk write).
  'history.commit': (input, ctx) =>
    withoutCommitCheckpoint(ctx.deps.sqlite, ctx.deps.checkpointer, () =>
      inTransaction(ctx.deps.sqlite, () =>
        commitHistory(ctx.deps, input.importId, { onlyValid: input.onlyValid, onMatch: input.onMatch ?? 'skip' }, staffOf(ctx).id),
      ),
    ),
};
