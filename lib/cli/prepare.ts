// Start-up work shared by `npm start` and `spendline migrate`: data every fresh database needs.
export async function prepareDatabase(): Promise<void> {}
