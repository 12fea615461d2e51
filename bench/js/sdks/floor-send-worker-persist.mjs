// The baseline plus the flush policy's request made by a dedicated worker and
// the queue in localStorage, one write per burst (see floor_batcher.mjs): the
// floor of clik-analytics' own design, which does both.
import { floorSdk } from './floor_batcher.mjs';

window.benchSdk = floorSdk({ persist: true, worker: true });
