/** node-llama-cpp is ESM with top-level await: imported through the one ESM loader helper in service-kit. */
export { importEsm } from '@nitro/service-kit';
