import { call } from './call';

/** Running the store: setup, settings, staff, the audit log, backups, recovery, the journal and history imports. */
export const auditData = {
  facets: call('audit.facets'),
  list: call('audit.list'),
};

export const backupData = {
  configure: call('backup.configure'),
  create: call('backup.create'),
  delete: call('backup.delete'),
  list: call('backup.list'),
  restore: call('backup.restore'),
};

export const dataData = {
  export: call('data.export'),
};

export const historyData = {
  commit: call('history.commit'),
  preview: call('history.preview'),
};

export const integrityData = {
  status: call('integrity.status'),
};

export const journalData = {
  verify: call('journal.verify'),
};

export const recoveryData = {
  restore: call('recovery.restore'),
  startEmpty: call('recovery.startEmpty'),
};

export const settingsData = {
  update: call('settings.update'),
};

export const setupData = {
  run: call('setup.run'),
};

export const staffData = {
  create: call('staff.create'),
  list: call('staff.list'),
  signIn: call('staff.signIn'),
  update: call('staff.update'),
};
