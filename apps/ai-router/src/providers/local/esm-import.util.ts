import * as vm from 'node:vm';

type Importer = (specifier: string) => Promise<any>;

/**
 * node-llama-cpp is ESM with top-level await, and this app is built to CommonJS: a compiled
 * `import()` would become `require()` and fail with ERR_REQUIRE_ASYNC_MODULE. A function built at
 * run time keeps a real dynamic import. Under Jest (code runs inside a vm context without an import
 * hook) that throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING*, so there we import through the main
 * context's loader instead, which also keeps one copy of the native addon per process.
 */
const realImport = new Function('s', 'return import(s)') as Importer;

export async function importEsm<T = any>(specifier: string): Promise<T> {
  try {
    return await realImport(specifier);
  } catch (err) {
    if (!String((err as { code?: string }).code ?? '').startsWith('ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING')) throw err;
    const mainContextImport = vm.runInThisContext('(s) => import(s)', { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }) as Importer;
    return mainContextImport(specifier);
  }
}
