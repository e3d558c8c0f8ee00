import type { labelsContract } from '../../shared/api/labels';
import type { HandlersFor } from '../router';

export const labelsHandlers: HandlersFor<typeof labelsContract> = {
  // The label maker (pdf-lib, fonts, barcodes) loads on first use, not at start.
  'labels.pdf': async (input, { deps }) => (await import('./labels')).labelsPdf(deps, input),
};
