/**
 * The persisted format's major version. It is written into every encoded entry (lib/serializer.ts)
 * and hashed into every key (lib/key.ts), so services on different majors keep separate entries
 * side by side instead of overwriting each other's. Bump it when CacheEntry changes incompatibly
 * or when devalue's major version changes (devalue does not promise format stability across its
 * majors); add a golden fixture for the new major under spec/fixtures/entries/.
 */
export const FORMAT_MAJOR = 1;
