// The baseline plus the flush policy's request, made from a dedicated worker
// (see floor_batcher.mjs): what the page's main thread pays when it only hands
// the batch over.
import { floorSdk } from './floor_batcher.mjs';

window.benchSdk = floorSdk({ persist: false, worker: true });
