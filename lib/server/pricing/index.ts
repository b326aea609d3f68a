// The price catalog data layer (SPEC §3, §4): the index that prices events, reading and adding
// versions, the bundled catalog, re-pricing of waiting events and the restatement preview.
export { findPrice, getPriceIndex, invalidatePriceCatalog, loadCatalogPrices, toCatalogPrice, type CatalogPrice, type PriceVersionView } from "./catalog";
export { listPrices, listUnpricedModels, type UnpricedModelView } from "./list";
export { addPriceVersion, BUNDLED_CATALOG_PATH, importPrices, loadBundledCatalog, type ImportResult, type PriceImportEntry, type RefusedEntry } from "./versions";
// The name callers used before a newer bundled catalog could add versions to a non-empty one.
export { loadBundledCatalog as seedPriceCatalogIfEmpty } from "./versions";
export { applyReprice, previewReprice, type RepriceGroup, type RepricePreview, type RepriceRange, type RepriceResult } from "./reprice";
export { downloadPriceFile, LITELLM_PRICES_URL, syncPrices, type SyncResult } from "./sync";
export { previewRestatement, type RestatementPreview, type RestatementRow } from "./restatement";
