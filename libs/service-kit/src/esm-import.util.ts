import * as vm from 'node:vm';

type Importer = (specifier: string) => Promise<any>;

/**
 * A real `import()` of an ESM-only package (file-type, pdf.js, secretlint, node-llama-cpp) from
 * code built to CommonJS, where a compiled `import()` becomes `require()`. A function built at run
 * time keeps the dynamic import. Under Jest (code runs inside a vm context without an import hook)
 * that throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING*, so there the main context's loader is used,
 * which also keeps one copy of a module (and of a native addon) per process.
 */
const realImport = new Function('s', 'return import(s)') as Importer;

export async function importEsm<T = any>(specifier: string): Promise<T> {
  try {
    return await realImport(specifier);
  } catch (err) {
    if (!String((err as { code?: string }).code ?? '').startsWith('ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING')) throw err;
    const mainContextImport = vm.runInThisContext('(s) => import(s)', {
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }) as Importer;
    return mainContextImport(specifier);
  }
}
