/** High availability over etcd: mastership per switch and the shared intent store. */
export * from './cluster.js';
export * from './intent-store.js';
export * from './keys.js';
export * from './mastership.js';
export * from './rendezvous.js';
export * from './spec.js';
