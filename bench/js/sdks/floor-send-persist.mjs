// The baseline plus the flush policy's request and the localStorage queue (see floor_batcher.mjs).
import { floorSdk } from './floor_batcher.mjs';

window.benchSdk = floorSdk({ persist: true });
