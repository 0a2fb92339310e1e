// The store's public face: content-addressed records (problem, request, execution, trajectory, run, …).
export {Store, type StoreEffects, type StoreOptions} from "./store.ts";
export {canonicalJson, contentKey, hashOf} from "./keys.ts";
export {queryStore, sqlString, type StoreQuery} from "./query.ts";
export {defaultStoreDir, openDefaultStore, projectRoot} from "./location.ts";
