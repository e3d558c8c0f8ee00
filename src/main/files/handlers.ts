import type { filesContract } from '../../shared/api/files';
import type { HandlersFor } from '../router';
import { saveExport } from './save-export';

export const filesHandlers: HandlersFor<typeof filesContract> = {
  'files.save': (input, { deps }) => saveExport(deps, input.fileName, input.base64),
};
