/** Raw access for the conformance suite's "values it did not write" tests, for any keyvStorage store. */
import type { Keyv } from 'keyv';
import type { RawAccess } from '../../lib/testing/conformance.js';
import { keyvOf, storeKeyOf } from '../../lib/storage/keyv-storage.js';

/** `store` writes the bare value into the Keyv store, `keyv` goes through keyv.set (so it is wrapped). */
export const keyvRaw: RawAccess = {
  layers: ['store', 'keyv'],
  async write(store, layer, collection, key, value) {
    const keyv: Keyv = await keyvOf(store);
    const storeKey = storeKeyOf(collection, key);
    if (layer === 'keyv') {
      await keyv.set(storeKey, value);
      return;
    }
    // What Keyv itself would hand the store: `namespace:key` unless the store prefixes itself.
    const full = keyv.useKeyPrefix && keyv.namespace ? `${keyv.namespace}:${storeKey}` : storeKey;
    await keyv.store.set(full, value);
  },
};
