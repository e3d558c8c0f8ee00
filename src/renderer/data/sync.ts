import { call } from './call';

/** Cloud sync: status, joining a store, conflicts. */
export const syncData = {
  cloudRejections: call('sync.cloudRejections'),
  cloudSession: call('sync.cloudSession'),
  cloudSignIn: call('sync.cloudSignIn'),
  cloudSignOut: call('sync.cloudSignOut'),
  createCode: call('sync.createCode'),
  createOrg: call('sync.createOrg'),
  createStore: call('sync.createStore'),
  join: call('sync.join'),
  joinStatus: call('sync.joinStatus'),
  localRejections: call('sync.localRejections'),
  offlinePolicy: call('sync.offlinePolicy'),
  overview: call('sync.overview'),
  rejoin: call('sync.rejoin'),
  resolveCloudRejection: call('sync.resolveCloudRejection'),
  resolveLocalRejection: call('sync.resolveLocalRejection'),
  revokeDevice: call('sync.revokeDevice'),
  setOfflinePolicy: call('sync.setOfflinePolicy'),
  signOut: call('sync.signOut'),
  status: call('sync.status'),
  stock: call('sync.stock'),
  stores: call('sync.stores'),
};
